"""Typed ECS actions over the signing, retrying transport."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping

from shared.credentials import Credentials
from shared.deadline import Deadline
from shared.ecs.models import (
    AgentStatus,
    Instance,
    RebootResult,
    Region,
    items,
    parse_agent_status,
    parse_instance,
    parse_reboot_result,
)
from shared.ecs.paging import check_returned, iterate_pages
from shared.ecs.params import check_count, check_tag_key, chunked, numbered, tag_params, unique_ids
from shared.ecs.settings import ClientSettings, check_region
from shared.ecs.transport import Transport

ECS_ACTIONS = frozenset(
    {
        "DescribeRegions",
        "DescribeInstances",
        "DescribeCloudAssistantStatus",
        "InstallCloudAssistant",
        "RebootInstance",
        "RebootInstances",
        "TagResources",
        "ListTagResources",
    }
)
# Calls that are not repeated after an ambiguous failure. TagResources is left out
# because writing the same tags twice has the same effect as once.
MUTATING_ACTIONS = frozenset({"InstallCloudAssistant", "RebootInstance", "RebootInstances"})
INSTANCE_STATUSES = ("Pending", "Running", "Starting", "Stopping", "Stopped")

DESCRIBE_INSTANCES_MAX_IDS = 100
AGENT_STATUS_MAX_IDS = 50
INSTALL_MAX_IDS = 50
REBOOT_MAX_IDS = 100
TAG_MAX_RESOURCES = 50


class EcsClient:
    """ECS API calls for one invocation: its credentials, settings and deadline."""

    def __init__(
        self,
        credentials: Credentials,
        settings: ClientSettings | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self._transport = Transport(credentials, settings or ClientSettings(), deadline)

    @property
    def call_counts(self) -> dict[str, int]:
        """Attempts sent so far per action, retries included."""
        return self._transport.call_counts

    def describe_regions(self, region: str | None = None) -> list[Region]:
        """List the regions. Without `region` the call goes to the central endpoint."""
        params = {"AcceptLanguage": "en-US"}
        if region is not None:
            check_region(region)
            params["RegionId"] = region

        body = self._call("DescribeRegions", region, params)
        return [
            Region(
                region_id=str(entry.get("RegionId") or ""),
                local_name=str(entry.get("LocalName") or ""),
                endpoint=str(entry.get("RegionEndpoint") or ""),
                status=str(entry.get("Status") or ""),
            )
            for entry in items(body, "Regions", "Region")
        ]

    def describe_instances(
        self,
        region: str,
        instance_ids: Iterable[str] | None = None,
        status: str | None = None,
        tags: Mapping[str, str | None] | None = None,
        page_size: int = 100,
    ) -> Iterator[list[Instance]]:
        """Yield the matching instances one page at a time.

        `instance_ids` go 100 per call as a JSON array; None means every instance in
        the region. `tags` maps key to value, and a value of None matches any value.
        Arguments are checked before the first page is requested.
        """
        check_region(region)
        if not isinstance(page_size, int) or not 1 <= page_size <= 100:
            raise ValueError(f"page_size={page_size!r} is invalid; use 1 to 100")
        if status is not None and status not in INSTANCE_STATUSES:
            raise ValueError(
                f"status={status!r} is invalid; use one of {', '.join(INSTANCE_STATUSES)}"
            )

        filters = {"RegionId": region, "MaxResults": str(page_size)}
        if status is not None:
            filters["Status"] = status
        filters.update(tag_params(tags or {}, for_filter=True))

        if instance_ids is None:
            chunks: list[list[str] | None] = [None]
        else:
            chunks = list(chunked(unique_ids(instance_ids), DESCRIBE_INSTANCES_MAX_IDS))
        return self._instance_pages(region, chunks, filters)

    def describe_cloud_assistant_status(
        self, region: str, instance_ids: Iterable[str]
    ) -> dict[str, AgentStatus]:
        """Return the agent status of each instance, 50 per call.

        An instance missing from the response counts as not online.
        """
        check_region(region)
        ids = unique_ids(instance_ids)
        found: dict[str, AgentStatus] = {}

        for chunk in chunked(ids, AGENT_STATUS_MAX_IDS):
            params = {
                "RegionId": region,
                "MaxResults": str(AGENT_STATUS_MAX_IDS),
                **numbered("InstanceId", chunk),
            }
            requested = set(chunk)
            pages = iterate_pages(
                self._call,
                "DescribeCloudAssistantStatus",
                region,
                params,
                "InstanceCloudAssistantStatusSet",
                "InstanceCloudAssistantStatus",
            )
            for entries in pages:
                for entry in entries:
                    agent = parse_agent_status(entry)
                    if agent.instance_id in requested:
                        found[agent.instance_id] = agent

        return {
            instance_id: found.get(instance_id) or AgentStatus(instance_id, False, "", "")
            for instance_id in ids
        }

    def install_cloud_assistant(self, region: str, instance_ids: Iterable[str]) -> str:
        """Install the agent on at most 50 instances and return the RequestId.

        The agent starts after the next reboot. An ambiguous failure raises
        OutcomeUnknownError and is not repeated.
        """
        check_region(region)
        ids = unique_ids(instance_ids)
        check_count(ids, INSTALL_MAX_IDS, "InstallCloudAssistant")

        body = self._call(
            "InstallCloudAssistant", region, {"RegionId": region, **numbered("InstanceId", ids)}
        )
        return str(body.get("RequestId") or "")

    def reboot_instances(
        self, region: str, instance_ids: Iterable[str], force: bool = False
    ) -> tuple[str, list[RebootResult]]:
        """Reboot at most 100 instances, each on its own (`SuccessFirst`).

        Returns the RequestId and one result per instance, in the order given.

        An instance missing from the response gets a result with `ok` False.
        """
        check_region(region)
        ids = unique_ids(instance_ids)
        check_count(ids, REBOOT_MAX_IDS, "RebootInstances")

        params = {
            "RegionId": region,
            "ForceReboot": "true" if force else "false",
            "BatchOptimization": "SuccessFirst",
            **numbered("InstanceId", ids),
        }
        body = self._call("RebootInstances", region, params)

        results = {}
        for entry in items(body, "InstanceResponses", "InstanceResponse"):
            result = parse_reboot_result(entry)
            results[result.instance_id] = result
        ordered = [
            results.get(instance_id)
            or RebootResult(
                instance_id,
                False,
                "MissingFromResponse",
                "RebootInstances returned no result for this instance",
                "",
                "",
            )
            for instance_id in ids
        ]
        return str(body.get("RequestId") or ""), ordered

    def reboot_instance(self, region: str, instance_id: str, force: bool = False) -> str:
        """Reboot one instance and return the RequestId."""
        check_region(region)
        (single,) = unique_ids([instance_id], name="instance_id")

        params = {
            "RegionId": region,
            "InstanceId": single,
            "ForceStop": "true" if force else "false",
        }
        body = self._call("RebootInstance", region, params)
        return str(body.get("RequestId") or "")

    def tag_resources(
        self, region: str, instance_ids: Iterable[str], tags: Mapping[str, str]
    ) -> str:
        """Write tags on instances, 50 instances per call; return the RequestIds joined by commas.

        A key that exists gets the new value. At most 20 tags; keys have at most 128
        characters and must not start with `aliyun` or `acs:`.
        """
        check_region(region)
        ids = unique_ids(instance_ids)
        if not ids:
            raise ValueError("TagResources needs at least one instance ID")
        if not tags:
            raise ValueError("TagResources needs at least one tag")
        tag_fields = tag_params(tags, for_filter=False)

        request_ids = []
        for chunk in chunked(ids, TAG_MAX_RESOURCES):
            params = {
                "RegionId": region,
                "ResourceType": "instance",
                **numbered("ResourceId", chunk),
                **tag_fields,
            }
            body = self._call("TagResources", region, params)
            request_ids.append(str(body.get("RequestId") or ""))
        return ",".join(request_ids)

    def list_tag_resources(
        self, region: str, instance_ids: Iterable[str], tag_key: str | None = None
    ) -> dict[str, dict[str, str]]:
        """Return the tags of each instance, or only the tag `tag_key`.

        Instances without tags map to an empty dict.
        """
        check_region(region)
        ids = unique_ids(instance_ids)
        if tag_key is not None:
            check_tag_key(tag_key, for_filter=True)
        tags: dict[str, dict[str, str]] = {instance_id: {} for instance_id in ids}

        for chunk in chunked(ids, TAG_MAX_RESOURCES):
            params = {
                "RegionId": region,
                "ResourceType": "instance",
                **numbered("ResourceId", chunk),
            }
            if tag_key is not None:
                params["Tag.1.Key"] = tag_key
            for entries in iterate_pages(
                self._call, "ListTagResources", region, params, "TagResources", "TagResource"
            ):
                for entry in entries:
                    resource_id = entry.get("ResourceId")
                    key = entry.get("TagKey")
                    if resource_id in tags and isinstance(key, str):
                        tags[resource_id][key] = str(entry.get("TagValue") or "")
        return tags

    def _call(self, action: str, region: str | None, params: Mapping[str, str]) -> dict:
        return self._transport.call(action, region, params, mutating=action in MUTATING_ACTIONS)

    def _instance_pages(
        self, region: str, chunks: list[list[str] | None], filters: dict[str, str]
    ) -> Iterator[list[Instance]]:
        for chunk in chunks:
            params = dict(filters)
            if chunk is not None:
                params["InstanceIds"] = json.dumps(chunk, separators=(",", ":"))
            requested = None if chunk is None else set(chunk)

            for entries in iterate_pages(
                self._call, "DescribeInstances", region, params, "Instances", "Instance"
            ):
                instances = [parse_instance(entry, region) for entry in entries]
                check_returned(instances, requested, region)
                if instances:
                    yield instances

"""Benchmark-only: the `instance_events` work for one instance, built on the official ECS SDK.

It makes the product's seven calls for a new instance without the agent, in the
same order: DescribeInstances, DescribeCloudAssistantStatus, TagResources (reboot
claim), DescribeInstances (claim read-back), InstallCloudAssistant, RebootInstances,
TagResources (`rebooted` marker), and logs JSON lines through structlog. It reads
only the single EventBridge `ecs:Instance:StateChange` event form, because the cold
start benchmark sends nothing else. Never deployed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import structlog
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client
from alibabacloud_tea_openapi import models as open_api_models

MARKER_TAG_KEY = "cloud-assistant-autoinstall"
# Equal to the product's Policy.claim_settle_seconds, so both variants wait the same time.
CLAIM_SETTLE_SECONDS = 0.5
NEW_INSTANCE_WINDOW = timedelta(minutes=60)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class _StdoutLogger:
    def msg(self, message: str) -> None:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()

    info = warning = error = msg


structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(),
    ],
    wrapper_class=structlog.make_filtering_bound_logger(os.environ.get("LOG_LEVEL", "INFO")),
    logger_factory=lambda *_args: _StdoutLogger(),
    cache_logger_on_first_use=True,
)
log = structlog.get_logger("sdk_handler")


def _client(endpoint: str) -> Client:
    host = endpoint.split("://", 1)[-1]
    config = open_api_models.Config(
        access_key_id=os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        access_key_secret=os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"],
        endpoint=host,
        protocol="http" if endpoint.startswith("http://") else "https",
    )
    return Client(config)


def _describe(client: Client, region: str, instance_id: str):
    request = ecs.DescribeInstancesRequest(region_id=region, instance_ids=json.dumps([instance_id]),
                                           max_results=100)
    found = client.describe_instances(request).body.instances.instance
    return found[0] if found else None


def _tag(client: Client, region: str, instance_id: str, value: str) -> None:
    tag = ecs.TagResourcesRequestTag(key=MARKER_TAG_KEY, value=value)
    client.tag_resources(ecs.TagResourcesRequest(region_id=region, resource_type="instance",
                                                 resource_id=[instance_id], tag=[tag]))


def _marker_of(instance) -> str:
    tags = instance.tags.tag if instance.tags and instance.tags.tag else []
    return next((tag.tag_value for tag in tags if tag.tag_key == MARKER_TAG_KEY), "")


def handler(event, context):
    request_id = context.request_id
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(requestId=request_id, function="instance_events_sdk")
    log.info("invocation_start")

    data = json.loads(event)["data"]
    region = data["regionId"]
    instance_id = data["content"]["resourceId"]
    client = _client(os.environ["ECS_ENDPOINT"])
    now = datetime.now(timezone.utc).replace(microsecond=0)

    instance = _describe(client, region, instance_id)
    if instance is None or instance.status != "Running":
        log.info("invocation_summary", outcome="skipped", instanceId=instance_id)
        return json.dumps({"outcome": "skipped"})

    status_request = ecs.DescribeCloudAssistantStatusRequest(region_id=region, instance_id=[instance_id])
    statuses = client.describe_cloud_assistant_status(status_request).body
    entries = statuses.instance_cloud_assistant_status_set.instance_cloud_assistant_status or []
    if any(entry.cloud_assistant_status == "true" for entry in entries):
        log.info("invocation_summary", outcome="already_online", instanceId=instance_id)
        return json.dumps({"outcome": "already_online"})

    install = ecs.InstallCloudAssistantRequest(region_id=region, instance_id=[instance_id])
    created = datetime.strptime(instance.creation_time, "%Y-%m-%dT%H:%MZ").replace(tzinfo=timezone.utc)
    if now - created > NEW_INSTANCE_WINDOW:
        client.install_cloud_assistant(install)
        _tag(client, region, instance_id, f"installed:{now.strftime(TIME_FORMAT)}")
        log.info("invocation_summary", outcome="installed", instanceId=instance_id)
        return json.dumps({"outcome": "installed"})

    # As in the product, an instance rebooted right after the install is claimed before the install.
    claim = f"rebooting:{request_id}@{now.strftime(TIME_FORMAT)}"
    _tag(client, region, instance_id, claim)
    time.sleep(CLAIM_SETTLE_SECONDS)
    current = _describe(client, region, instance_id)
    if current is None or _marker_of(current) != claim:
        log.info("reboot_claim_lost", instanceId=instance_id)
        return json.dumps({"outcome": "awaiting_heartbeat"})

    client.install_cloud_assistant(install)
    reboot = ecs.RebootInstancesRequest(region_id=region, instance_id=[instance_id], force_reboot=False,
                                        batch_optimization="SuccessFirst")
    client.reboot_instances(reboot)
    _tag(client, region, instance_id, f"rebooted:{datetime.now(timezone.utc).strftime(TIME_FORMAT)}")
    log.info("invocation_summary", outcome="rebooted", instanceId=instance_id)
    return json.dumps({"outcome": "rebooted"})

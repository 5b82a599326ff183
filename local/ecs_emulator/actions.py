"""The implemented ECS actions, and DescribeRegions."""

from __future__ import annotations

from collections.abc import Callable

from . import assistant, errors, instances, regions, tagging
from .models import FleetState

API_VERSION = "2014-05-26"


def describe_regions(state: FleetState, values: dict) -> dict:
    language = values.get("AcceptLanguage") or "zh-CN"
    items = [{"RegionId": region_id,
              "LocalName": regions.local_name(region_id, language),
              "RegionEndpoint": regions.endpoint(region_id),
              "Status": "available"}
             for region_id in state.regions]
    return {"Regions": {"Region": items}}


ACTIONS: dict[str, Callable[[FleetState, dict], dict]] = {
    "DescribeRegions": describe_regions,
    "DescribeInstances": instances.describe_instances,
    "RebootInstance": instances.reboot_instance,
    "RebootInstances": instances.reboot_instances,
    "DescribeCloudAssistantStatus": assistant.describe_cloud_assistant_status,
    "InstallCloudAssistant": assistant.install_cloud_assistant,
    "TagResources": tagging.tag_resources,
    "ListTagResources": tagging.list_tag_resources,
}


def check_action(action: str | None, version: str | None) -> Callable[[FleetState, dict], dict]:
    """Return the handler of an action, or raise the error for a missing or unknown one."""
    if not action:
        raise errors.missing_common("Action")
    if not version:
        raise errors.missing_common("Version")
    if version != API_VERSION:
        raise errors.InvalidVersion(
            f"The Version {version!r} is not supported. ECS uses Version={API_VERSION}.")

    handler = ACTIONS.get(action)
    if handler is None:
        raise errors.InvalidApiNotFound(
            f"The action {action!r} is not found or not implemented by this emulator. "
            f"Implemented actions: {', '.join(sorted(ACTIONS))}.")
    return handler

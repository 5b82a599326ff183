"""DescribeCloudAssistantStatus and InstallCloudAssistant."""

from __future__ import annotations

from . import errors, params
from .instances import INCORRECT_STATUS_MESSAGE
from .models import FleetState, Instance
from .paging import paginate, parse_paging

MAX_STATUS_IDS = 50
MAX_STATUS_PAGE = 50
# InstallCloudAssistant takes InstanceId.N (at most 50, as the current SDK documents) or the
# older InstanceIds JSON array (at most 100, as the older API document states).
MAX_INSTALL_REPEAT_IDS = 50
MAX_INSTALL_JSON_IDS = 100
OS_TYPES = {"windows": "Windows", "linux": "Linux", "freebsd": "FreeBSD"}


def describe_cloud_assistant_status(state: FleetState, values: dict) -> dict:
    region = state.region(params.required(values, "RegionId"))
    instance_ids = params.repeat_list(values, "InstanceId", MAX_STATUS_IDS)

    os_filter = values.get("OSType") or None
    if os_filter is not None and os_filter.lower() not in OS_TYPES:
        raise errors.invalid_parameter("OSType", os_filter, "it must be Windows, Linux or FreeBSD")
    matches = None
    if os_filter is not None:
        wanted = os_filter.lower()

        def matches(instance: Instance) -> bool:
            return instance.os_type == wanted

    fingerprint = repr(("DescribeCloudAssistantStatus", region.region_id, os_filter))
    page = parse_paging(values, fingerprint, MAX_STATUS_PAGE)
    if instance_ids:
        # Paging is ignored when instance IDs are given, and unknown IDs are left out.
        found = (state.by_id.get(instance_id) for instance_id in instance_ids)
        items = [i for i in found if i is not None and i.region_id == region.region_id
                 and (matches is None or matches(i))]
        next_token, total = "", len(items)
    else:
        items, next_token = paginate(region.instances, matches, page, fingerprint)
        total = (len(region.instances) if matches is None
                 else sum(1 for i in region.instances if matches(i)))

    body = {
        "TotalCount": total,
        "PageNumber": page.page_number,
        "PageSize": page.page_size,
        "NextToken": next_token,
        "InstanceCloudAssistantStatusSet": {
            "InstanceCloudAssistantStatus": [_render_status(i) for i in items]},
    }
    state.note_describe(region)
    return body


def _render_status(instance: Instance) -> dict:
    status, version, heartbeat = instance.agent_report()
    return {
        "InstanceId": instance.instance_id,
        "CloudAssistantStatus": status,
        "CloudAssistantVersion": version,
        "LastHeartbeatTime": heartbeat,
        "LastInvokedTime": "",
        "ActiveTaskCount": 0,
        "InvocationCount": 0,
        "OSType": OS_TYPES[instance.os_type],
        "SupportSessionManager": status == "true",
    }


def install_cloud_assistant(state: FleetState, values: dict) -> dict:
    region_id = values.get("RegionId")
    if not region_id:
        raise errors.missing_parameter("RegionId")
    region = state.region(region_id)

    json_ids = params.json_list(values, "InstanceIds", MAX_INSTALL_JSON_IDS)
    repeat_ids = params.repeat_list(values, "InstanceId", MAX_INSTALL_REPEAT_IDS)
    if json_ids and repeat_ids:
        raise errors.ApiError(
            "Both InstanceIds and InstanceId.N are given. Send the instance IDs in one of "
            "the two forms.", code="InvalidParameter")
    instance_ids = json_ids or repeat_ids
    if not instance_ids:
        raise errors.missing_parameter("InstanceIds")

    instances = state.find(region, instance_ids, errors.InvalidInstanceNotFound)
    not_running = [i for i in instances if i.status != "Running"]
    if not_running:
        names = ", ".join(f"{i.instance_id} ({i.status})" for i in not_running)
        raise errors.IncorrectInstanceStatus(
            f"{INCORRECT_STATUS_MESSAGE} The agent can be installed only on Running instances; "
            f"not Running: {names}. No instance of this request was changed.")

    for instance in instances:
        if instance.agent == "none":
            instance.agent = "installed"
    return {}

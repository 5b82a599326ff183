"""DescribeInstances, RebootInstance and RebootInstances."""

from __future__ import annotations

import fnmatch

from . import errors, params
from .models import STATUSES, FleetState, Instance
from .paging import paginate, parse_paging

MAX_DESCRIBE_IDS = 100
MAX_REBOOT_IDS = 100
MAX_PAGE = 100
# Documented DescribeInstances filters that the emulator does not model. A request using one
# fails, so that it never gets an unfiltered result that looks filtered.
UNSUPPORTED_FILTERS = ("VpcId", "VSwitchId", "SecurityGroupId", "InstanceType",
                       "InstanceTypeFamily", "ImageId", "PrivateIpAddresses",
                       "PublicIpAddresses", "EipAddresses", "InnerIpAddresses",
                       "ResourceGroupId", "InstanceChargeType", "InternetChargeType",
                       "InstanceNetworkType", "KeyPairName", "LockReason", "HpcClusterId",
                       "DeploymentSetId", "Filter.1.Key", "IoOptimized", "NeedSaleCycle")
INCORRECT_STATUS_MESSAGE = "The current status of the resource does not support this operation."


def describe_instances(state: FleetState, values: dict) -> dict:
    region = state.region(params.required(values, "RegionId"))
    for name in UNSUPPORTED_FILTERS:
        if values.get(name):
            raise errors.ApiError(
                f"The filter {name} is valid for ECS but not modelled by this emulator. "
                f"Filter by InstanceIds, Status, Tag.N, ZoneId or InstanceName.",
                code="UnsupportedParameter")

    instance_ids = params.json_list(values, "InstanceIds", MAX_DESCRIBE_IDS)
    status = params.choice(values, "Status", STATUSES, None)
    tags = params.tag_pairs(values)
    zone_id = values.get("ZoneId") or None
    name_pattern = values.get("InstanceName") or None
    matches = _instance_filter(status, tags, zone_id, name_pattern)

    if instance_ids is None:
        candidates = region.instances
    else:
        found = (state.by_id.get(instance_id) for instance_id in instance_ids)
        candidates = [i for i in found if i is not None and i.region_id == region.region_id]

    fingerprint = repr(("DescribeInstances", region.region_id, instance_ids, status, tags,
                        zone_id, name_pattern))
    page = parse_paging(values, fingerprint, MAX_PAGE)
    items, next_token = paginate(candidates, matches, page, fingerprint)
    total = _count(region, candidates, matches, status, only_status=not (tags or zone_id or
                                                                          name_pattern))
    body = {
        "TotalCount": total,
        "PageNumber": page.page_number,
        "PageSize": page.page_size,
        "NextToken": next_token,
        "Instances": {"Instance": [render_instance(instance) for instance in items]},
    }
    state.note_describe(region)
    return body


def _instance_filter(status, tags, zone_id, name_pattern):
    if not (status or tags or zone_id or name_pattern):
        return None

    def matches(instance: Instance) -> bool:
        if status and instance.status != status:
            return False
        if zone_id and instance.zone_id != zone_id:
            return False
        if name_pattern and not fnmatch.fnmatchcase(instance.name, name_pattern):
            return False
        for key, value in tags:
            if key not in instance.tags or (value is not None and instance.tags[key] != value):
                return False
        return True

    return matches


def _count(region, candidates, matches, status, only_status) -> int:
    if matches is None:
        return len(candidates)
    if only_status and candidates is region.instances:
        return region.status_counts[status]
    return sum(1 for instance in candidates if matches(instance))


def render_instance(instance: Instance) -> dict:
    """Return one item of DescribeInstances.Instances.Instance."""
    return {
        "InstanceId": instance.instance_id,
        "InstanceName": instance.name,
        "HostName": instance.name,
        "Description": "",
        "RegionId": instance.region_id,
        "ZoneId": instance.zone_id,
        "Status": instance.status,
        "OSType": instance.os_type,
        "OSName": instance.os_name,
        "CreationTime": instance.creation_time,
        "StartTime": instance.start_time,
        "Tags": {"Tag": [{"TagKey": key, "TagValue": value}
                         for key, value in instance.tags.items()]},
        "OperationLocks": {"LockReason": []},
    }


def reboot_instance(state: FleetState, values: dict) -> dict:
    instance_id = params.required(values, "InstanceId")
    params.boolean(values, "ForceStop")
    dry_run = params.boolean(values, "DryRun")

    # The Tea SDK sends no RegionId for this action, so the instance is found in any region.
    region_id = values.get("RegionId")
    region = state.region(region_id) if region_id else None
    (instance,) = state.find(region, [instance_id], errors.InvalidInstanceIdNotFound)
    if dry_run:
        raise errors.DryRunOperation("Request validation has been passed with DryRun flag set.")

    if instance.status != "Running":
        raise errors.IncorrectInstanceStatus(
            f"{INCORRECT_STATUS_MESSAGE} Instance {instance.instance_id} is "
            f"{instance.status}; only a Running instance can be rebooted.")
    state.set_status(state.regions[instance.region_id], instance, "Starting")
    return {}


def reboot_instances(state: FleetState, values: dict) -> dict:
    region = state.region(params.required(values, "RegionId"))
    instance_ids = params.repeat_list(values, "InstanceId", MAX_REBOOT_IDS)
    if not instance_ids:
        raise errors.missing_parameter("InstanceId.N")
    params.boolean(values, "ForceReboot")
    dry_run = params.boolean(values, "DryRun")
    mode = params.choice(values, "BatchOptimization", ("AllTogether", "SuccessFirst"),
                         "AllTogether")

    instances = state.find(region, instance_ids, errors.InvalidInstanceIdNotFound)
    if dry_run:
        raise errors.DryRunOperation("Request validation has been passed with DryRun flag set.")

    not_running = [i for i in instances if i.status != "Running"]
    if mode == "AllTogether" and not_running:
        names = ", ".join(f"{i.instance_id} ({i.status})" for i in not_running)
        raise errors.IncorrectInstanceStatus(
            f"{INCORRECT_STATUS_MESSAGE} Not Running: {names}. With BatchOptimization="
            f"AllTogether no instance is rebooted; SuccessFirst reboots the Running ones.")

    responses = []
    for instance in instances:
        previous = instance.status
        if previous == "Running":
            state.set_status(region, instance, "Starting")
            code, message = "200", "success"
        else:
            code, message = "IncorrectInstanceStatus", INCORRECT_STATUS_MESSAGE
        responses.append({"InstanceId": instance.instance_id, "Code": code, "Message": message,
                          "PreviousStatus": previous, "CurrentStatus": instance.status})
    return {"InstanceResponses": {"InstanceResponse": responses}}

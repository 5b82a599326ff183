"""The fleet spec: the JSON form in which tests, the demo and benchmarks share fleets.

{"regions": [extra region IDs],
 "instances": [{"RegionId", "InstanceId", "Status", "OSType", "CloudAssistant",
                "CreationTime", "Tags": {key: value}, ...}],
 "settings": {lifecycle settings}}
"""

from __future__ import annotations

import re

from .models import (
    AGENT_STATES,
    STATUSES,
    FleetState,
    Instance,
    minutes_text,
    utc_now,
)

SPEC_KEYS = {"regions", "instances", "settings"}
INSTANCE_KEYS = {"RegionId", "InstanceId", "Status", "OSType", "CloudAssistant", "CreationTime",
                 "Tags", "InstanceName", "ZoneId", "OSName", "StartTime"}
DEFAULT_REGION = "cn-hangzhou"
_TIME_PATTERN = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\dZ$")
DEFAULT_OS_NAMES = {
    "linux": "Alibaba Cloud Linux  3.2104 LTS 64位",
    "windows": "Windows Server  2022 数据中心版 64位中文版",
}


class FleetSpecError(ValueError):
    """A fleet spec that cannot be loaded. The message names the field and the value."""


def load_spec(state: FleetState, spec: dict) -> None:
    """Replace the whole state with the fleet spec. On error the state is left unchanged."""
    if not isinstance(spec, dict):
        raise FleetSpecError(f"a fleet spec must be a JSON object, got {type(spec).__name__}")
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise FleetSpecError(f"unknown fleet spec keys {sorted(unknown)}; "
                             f"known keys: {sorted(SPEC_KEYS)}")

    extra_regions = spec.get("regions") or []
    if not isinstance(extra_regions, list) or not all(isinstance(r, str) and r
                                                      for r in extra_regions):
        raise FleetSpecError(f"'regions' must be a list of region IDs, got {extra_regions!r}")

    now_text = minutes_text(utc_now())
    instances = [instance_from_spec(item, now_text, state) for item in spec.get("instances") or []]
    _check_unique(instances, set())

    settings = type(state.settings)()
    try:
        settings.update(spec.get("settings") or {})
    except ValueError as error:
        raise FleetSpecError(str(error)) from None

    state._clear(extra_regions)
    state.settings = settings
    for instance in instances:
        state.add_instance(instance)


def launch(state: FleetState, items: list) -> list[dict]:
    """Add instances that start Pending, as new ECS instances do, and return their specs."""
    if not isinstance(items, list):
        raise FleetSpecError(f"launch takes a list of instances, got {type(items).__name__}")

    now_text = minutes_text(utc_now())
    instances = []
    for item in items:
        instance = instance_from_spec(item, now_text, state)
        instance.status = "Pending"
        instance.start_time = ""
        instances.append(instance)
    _check_unique(instances, set(state.by_id))

    for instance in instances:
        state.add_instance(instance)
    return [instance_to_spec(instance) for instance in instances]


def dump_state(state: FleetState) -> dict:
    """Return the whole state in fleet-spec form, with the current settings."""
    state.advance_all()
    instances = [instance_to_spec(instance)
                 for region in state.regions.values() for instance in region.instances]
    return {"regions": list(state.extra_regions), "instances": instances,
            "settings": state.settings.to_dict()}


def instance_to_spec(instance: Instance) -> dict:
    return {
        "RegionId": instance.region_id,
        "InstanceId": instance.instance_id,
        "Status": instance.status,
        "OSType": instance.os_type,
        "CloudAssistant": instance.agent,
        "CreationTime": instance.creation_time,
        "StartTime": instance.start_time,
        "Tags": dict(instance.tags),
        "InstanceName": instance.name,
        "ZoneId": instance.zone_id,
        "OSName": instance.os_name,
    }


def instance_from_spec(item: dict, now_text: str, state: FleetState) -> Instance:
    """Build an Instance from one spec entry, filling in defaults for missing fields."""
    if not isinstance(item, dict):
        raise FleetSpecError(f"each instance must be a JSON object, got {item!r}")
    unknown = set(item) - INSTANCE_KEYS
    if unknown:
        raise FleetSpecError(f"unknown instance keys {sorted(unknown)} in {item!r}; "
                             f"known keys: {sorted(INSTANCE_KEYS)}")

    instance_id = item.get("InstanceId") or state.new_instance_id()
    region_id = item.get("RegionId") or DEFAULT_REGION
    status = _choice(item, "Status", "Running", STATUSES)
    os_type = _choice(item, "OSType", "linux", ("linux", "windows"), fold_case=True)
    agent = _choice(item, "CloudAssistant", "none", AGENT_STATES)
    creation_time = _time_text(item, "CreationTime", now_text)
    default_start = creation_time if status in ("Running", "Stopping", "Stopped") else ""
    start_time = _time_text(item, "StartTime", default_start) if item.get("StartTime") else ""
    start_time = start_time or default_start

    tags = item.get("Tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in tags.items()):
        raise FleetSpecError(f"Tags of {instance_id} must map strings to strings, got {tags!r}")

    return Instance(
        instance_id=instance_id,
        region_id=region_id,
        zone_id=item.get("ZoneId") or f"{region_id}-a",
        name=item.get("InstanceName") or f"iZ{instance_id[2:]}Z",
        status=status,
        os_type=os_type,
        os_name=item.get("OSName") or DEFAULT_OS_NAMES[os_type],
        agent=agent,
        creation_time=creation_time,
        start_time=start_time,
        tags=dict(tags),
    )


def _choice(item: dict, name: str, default: str, allowed: tuple, fold_case: bool = False) -> str:
    value = item.get(name) or default
    if fold_case and isinstance(value, str):
        value = value.lower()
    if value not in allowed:
        raise FleetSpecError(f"{name} {value!r} of instance {item.get('InstanceId')!r} is not "
                             f"one of {list(allowed)}")
    return value


def _time_text(item: dict, name: str, default: str) -> str:
    value = item.get(name) or default
    # A regular expression, because strptime is too slow for fleets of 100,000 instances.
    if not isinstance(value, str) or not _TIME_PATTERN.match(value):
        raise FleetSpecError(f"{name} {value!r} of instance {item.get('InstanceId')!r} is not "
                             f"in the ECS form yyyy-MM-ddTHH:mmZ, for example "
                             f"2017-12-10T04:04Z")
    return value


def _check_unique(instances: list[Instance], existing: set[str]) -> None:
    seen = set(existing)
    for instance in instances:
        if instance.instance_id in seen:
            raise FleetSpecError(f"InstanceId {instance.instance_id!r} appears more than once")
        seen.add(instance.instance_id)

"""Plain results of ECS actions and their parsing from the JSON responses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

# ECS writes times in UTC as `2017-12-10T04:04Z`, sometimes with seconds.
_ECS_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z")


@dataclass(frozen=True)
class Region:
    """One ECS region as DescribeRegions returns it."""

    region_id: str
    local_name: str
    endpoint: str
    status: str


@dataclass(frozen=True)
class Instance:
    """The fields of one DescribeInstances entry that the installer uses. Times are in UTC."""

    instance_id: str
    region_id: str
    status: str
    os_type: str
    instance_name: str
    creation_time: datetime
    start_time: datetime | None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentStatus:
    """The Cloud Assistant agent of one instance. `online` means a heartbeat in the last minutes."""

    instance_id: str
    online: bool
    version: str
    last_heartbeat: str


@dataclass(frozen=True)
class RebootResult:
    """The outcome for one instance of a RebootInstances call with `SuccessFirst`."""

    instance_id: str
    ok: bool
    code: str
    message: str
    previous_status: str
    current_status: str


def items(body: object, outer: str, inner: str) -> list[dict]:
    """Return the list at `body[outer][inner]`, the shape ECS gives every list in JSON.

    A missing or empty list, and a single object where a list is expected, are
    both accepted.
    """
    container = body.get(outer) if isinstance(body, dict) else None
    found = container.get(inner) if isinstance(container, dict) else None
    if isinstance(found, dict):
        return [found]
    if isinstance(found, list):
        return [item for item in found if isinstance(item, dict)]
    return []


def parse_ecs_time(value: object) -> datetime | None:
    """Parse an ECS time such as `2017-12-10T04:04Z` into an aware UTC datetime.

    Returns None for an empty or unreadable value.
    """
    if not isinstance(value, str):
        return None
    match = _ECS_TIME.fullmatch(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_tags(entry: dict) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag in items(entry, "Tags", "Tag"):
        key = tag.get("TagKey") or tag.get("Key")
        if isinstance(key, str) and key:
            value = tag.get("TagValue", tag.get("Value"))
            tags[key] = value if isinstance(value, str) else ""
    return tags


def parse_instance(entry: dict, region: str) -> Instance:
    """Build an Instance from one DescribeInstances entry.

    An entry without a readable CreationTime gets the Unix epoch, so that it never
    counts as new.
    """
    creation_time = parse_ecs_time(entry.get("CreationTime"))
    if creation_time is None:
        creation_time = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return Instance(
        instance_id=str(entry.get("InstanceId") or ""),
        region_id=str(entry.get("RegionId") or region),
        status=str(entry.get("Status") or ""),
        os_type=str(entry.get("OSType") or ""),
        instance_name=str(entry.get("InstanceName") or ""),
        creation_time=creation_time,
        start_time=parse_ecs_time(entry.get("StartTime")),
        tags=parse_tags(entry),
    )


def parse_agent_status(entry: dict) -> AgentStatus:
    # Samples in older API documents spell the field `CloudAssitantStatus`.
    raw = entry.get("CloudAssistantStatus", entry.get("CloudAssitantStatus"))
    online = raw is True or (isinstance(raw, str) and raw.strip().lower() == "true")
    return AgentStatus(
        instance_id=str(entry.get("InstanceId") or ""),
        online=online,
        version=str(entry.get("CloudAssistantVersion") or ""),
        last_heartbeat=str(entry.get("LastHeartbeatTime") or ""),
    )


def parse_reboot_result(entry: dict) -> RebootResult:
    code = str(entry.get("Code") or "")
    return RebootResult(
        instance_id=str(entry.get("InstanceId") or ""),
        ok=code == "200",
        code=code,
        message=str(entry.get("Message") or ""),
        previous_status=str(entry.get("PreviousStatus") or ""),
        current_status=str(entry.get("CurrentStatus") or ""),
    )

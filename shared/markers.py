"""The marker tag that records on the instance itself what this product did.

The agent status API reports an installed agent as offline until the instance
reboots, so the status alone cannot tell "installed, awaiting reboot" from
"missing". The marker can:

- `installed:<UTC time>`: the agent was installed; the reboot is still to come.
- `rebooting:<invocation ID>@<UTC time>`: an invocation claimed the reboot.
- `rebooted:<UTC time>`: the instance was rebooted after the install.
- `released:<UTC time>`: a claim made before an install was given up and nothing
  was installed, so the next run treats the instance as having no marker.

Times are ISO 8601 in UTC to the second, e.g. `2026-12-04T20:15:00Z`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

INSTALLED = "installed"
REBOOTING = "rebooting"
REBOOTED = "rebooted"
RELEASED = "released"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_TAG_VALUE_LENGTH = 128


@dataclass(frozen=True)
class Marker:
    """A parsed marker value. `owner` is the invocation ID of a reboot claim."""

    state: str
    time: datetime
    owner: str | None = None


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def installed_value(moment: datetime) -> str:
    return f"{INSTALLED}:{format_time(moment)}"


def rebooted_value(moment: datetime) -> str:
    return f"{REBOOTED}:{format_time(moment)}"


def released_value(moment: datetime) -> str:
    return f"{RELEASED}:{format_time(moment)}"


def claim_value(invocation_id: str, moment: datetime) -> str:
    """Return the reboot claim of this invocation, cut to the tag value limit."""
    stamp = format_time(moment)
    room = MAX_TAG_VALUE_LENGTH - len(REBOOTING) - len(stamp) - 2
    owner = "".join(c for c in invocation_id if c.isalnum() or c in "-_.")[:room]
    return f"{REBOOTING}:{owner}@{stamp}"


def parse_marker(value: str | None) -> Marker | None:
    """Parse a marker tag value; return None for a missing or unrecognised value."""
    if not value:
        return None
    state, _, rest = value.partition(":")

    if state in (INSTALLED, REBOOTED, RELEASED):
        moment = _parse_time(rest)
        return Marker(state, moment) if moment else None

    if state == REBOOTING:
        owner, _, stamp = rest.rpartition("@")
        moment = _parse_time(stamp)
        if not owner or moment is None:
            return None
        return Marker(REBOOTING, moment, owner)

    return None

"""Result types of trigger payload parsing."""

from __future__ import annotations

from dataclasses import dataclass

ECS_STATE_CHANGE = "ecs_state_change"
ESS_SCALE_OUT = "ess_scale_out"
CLOUDMONITOR_STATE_CHANGE = "cloudmonitor_state_change"


@dataclass(frozen=True)
class Rejection:
    """Part of a payload that is not acted on, with the reason.

    `value` is a short excerpt (at most 200 characters, control characters
    escaped) of what was rejected, so it is safe to log and to return.
    """

    reason: str
    value: str


@dataclass(frozen=True)
class InstanceEvent:
    """One instance event that requests the agent check on its instances.

    `key` is (source, id) for duplicate detection, or None when the shape has no
    ID. `kind` is one of ECS_STATE_CHANGE, ESS_SCALE_OUT or
    CLOUDMONITOR_STATE_CHANGE. `instance_ids` are the raw strings in payload
    order, not yet validated. `state` is the ECS state for state changes and
    None for Auto Scaling events.
    """

    key: tuple[str, str] | None
    kind: str
    region: str
    instance_ids: list[str]
    state: str | None


@dataclass(frozen=True)
class TimerEvent:
    """A timer trigger call.

    `regions` and `dry_run` come from a JSON payload such as
    {"regions": ["cn-hangzhou"], "dryRun": true}. They are None when the payload
    is not JSON or leaves them out. Regions are raw strings, not yet validated.
    """

    trigger_time: str | None
    trigger_name: str | None
    regions: tuple[str, ...] | None
    dry_run: bool | None

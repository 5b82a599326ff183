"""Trigger payload parsing: instance events and timer events.

Only json and the standard library are imported, because this package is on
every cold start.
"""

from shared.payloads.instance_events import parse_instance_events
from shared.payloads.model import (
    CLOUDMONITOR_STATE_CHANGE,
    ECS_STATE_CHANGE,
    ESS_SCALE_OUT,
    InstanceEvent,
    Rejection,
    TimerEvent,
)
from shared.payloads.text import MAX_EXCERPT
from shared.payloads.timer import parse_timer_event

__all__ = [
    "CLOUDMONITOR_STATE_CHANGE",
    "ECS_STATE_CHANGE",
    "ESS_SCALE_OUT",
    "MAX_EXCERPT",
    "InstanceEvent",
    "Rejection",
    "TimerEvent",
    "parse_instance_events",
    "parse_timer_event",
]

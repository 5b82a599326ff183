"""Parse the timer trigger event.

FC2 sends {"triggerTime": "2023-12-26T07:49:00Z", "triggerName": "...",
"payload": "..."}, where `payload` is the trigger's configured string passed
through as-is. A JSON object payload such as {"regions": ["cn-hangzhou"],
"dryRun": true} narrows the sweep. Any other payload string, plain text or
empty, leaves the sweep as configured and is not an error.
"""

from __future__ import annotations

import json

from shared.payloads.model import Rejection, TimerEvent
from shared.payloads.text import decode_json, describe_type, excerpt

PAYLOAD_KEYS = ("regions", "dryRun")


def parse_timer_event(payload: bytes) -> tuple[TimerEvent, list[Rejection]]:
    """Parse a timer trigger event, returning Rejections for ignored parts.

    Never raises, which property tests check with random JSON and bytes. A
    wrongly typed field is ignored (left None) and reported as a Rejection,
    so the sweep still runs with its configured defaults.
    """
    empty = TimerEvent(trigger_time=None, trigger_name=None, regions=None, dry_run=None)
    document, rejection = decode_json(payload)
    if rejection is not None:
        return empty, [rejection]
    if not isinstance(document, dict):
        found = describe_type(document)
        reason = f"invalid timer event: expected a JSON object, got a JSON {found}"
        return empty, [Rejection(reason, excerpt(document))]

    rejections: list[Rejection] = []
    trigger_time = _optional_string(document, "triggerTime", rejections)
    trigger_name = _optional_string(document, "triggerName", rejections)
    regions, dry_run = _parse_sweep_options(document.get("payload"), rejections)
    return TimerEvent(trigger_time, trigger_name, regions, dry_run), rejections


def _optional_string(document: dict, field: str, rejections: list[Rejection]) -> str | None:
    value = document.get(field)
    if value is None or isinstance(value, str):
        return value
    reason = f"ignored: timer event '{field}' must be a string, got {describe_type(value)}"
    rejections.append(Rejection(reason, excerpt(value)))
    return None


def _parse_sweep_options(payload: object, rejections: list[Rejection]) -> tuple[tuple[str, ...] | None, bool | None]:
    """Return (regions, dry_run) from the configured payload string."""
    if payload is None:
        return None, None
    if not isinstance(payload, str):
        reason = f"ignored: timer 'payload' must be a string, got {describe_type(payload)}"
        rejections.append(Rejection(reason, excerpt(payload)))
        return None, None

    options = _decode_options(payload, rejections)
    if options is None:
        return None, None

    for key in options:
        if key not in PAYLOAD_KEYS:
            shown = excerpt(key, 64)
            reason = f"ignored: unknown timer payload key {shown}; known keys are regions, dryRun"
            rejections.append(Rejection(reason, excerpt(options)))

    regions = options.get("regions")
    if regions is not None and not _is_string_list(regions):
        reason = "ignored: timer payload 'regions' must be an array of strings"
        rejections.append(Rejection(reason, excerpt(regions)))
        regions = None

    dry_run = options.get("dryRun")
    if dry_run is not None and not isinstance(dry_run, bool):
        found = describe_type(dry_run)
        reason = f"ignored: timer payload 'dryRun' must be true or false, got {found}"
        rejections.append(Rejection(reason, excerpt(dry_run)))
        dry_run = None

    return (tuple(regions) if regions is not None else None), dry_run


def _decode_options(payload: str, rejections: list[Rejection]) -> dict | None:
    """Return the payload's JSON object, or None for any other payload string.

    Only text that starts like a JSON object and then fails to decode is
    reported, because it is most likely a mistyped configuration.
    """
    text = payload.strip()
    if not text.startswith("{"):
        return None

    try:
        options = json.loads(text)
    except RecursionError:
        reason = "ignored: timer payload JSON is nested too deeply"
        rejections.append(Rejection(reason, excerpt(text)))
        return None
    except ValueError as error:
        reason = f"ignored: timer payload starts with '{{' but is not valid JSON ({error})"
        rejections.append(Rejection(reason, excerpt(text)))
        return None

    return options if isinstance(options, dict) else None


def _is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)

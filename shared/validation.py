"""Validation of region and instance IDs before any API call.

Only values that match these patterns reach ECS, so nothing that could change a
request's meaning (`&`, `=`, `%`, spaces, control characters, non-ASCII
look-alikes) is ever sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.config import REGION_PATTERN

# The current format is "i-" and 20 lower-case letters or digits; older IDs are shorter.
INSTANCE_ID_PATTERN = re.compile(r"^i-[a-z0-9]{8,32}$")
# Instances of the retired classic network had IDs such as AY130828101740048aee.
CLASSIC_ID_PATTERN = re.compile(r"^[A-Za-z0-9]{16,32}$")
MAX_INSTANCES_PER_REQUEST = 1000
MAX_VALUE_EXCERPT = 80


@dataclass(frozen=True)
class InvalidValue:
    """A value that failed validation and the reason, safe to log and return."""

    value: str
    reason: str


def excerpt(value: object, limit: int = MAX_VALUE_EXCERPT) -> str:
    """Return a printable, bounded rendering of any value for logs and error messages."""
    text = value if isinstance(value, str) else repr(value)
    escaped = text.encode("unicode_escape").decode("ascii")
    if len(escaped) > limit:
        return escaped[:limit] + f"...({len(text)} characters)"
    return escaped


def region_error(region: object) -> str | None:
    """Return why `region` is not a valid region ID, or None when it is valid."""
    if not isinstance(region, str):
        return f"region ID must be a string, got {type(region).__name__}"
    if not region:
        return "region ID is empty"
    if not REGION_PATTERN.fullmatch(region):
        return f"region ID {excerpt(region)!s} is invalid; expected a form such as cn-hangzhou"
    return None


def instance_id_error(instance_id: object) -> str | None:
    """Return why `instance_id` is not a valid ECS instance ID, or None when it is valid."""
    if not isinstance(instance_id, str):
        return f"instance ID must be a string, got {type(instance_id).__name__}"
    if INSTANCE_ID_PATTERN.fullmatch(instance_id):
        return None
    if CLASSIC_ID_PATTERN.fullmatch(instance_id) and not instance_id.startswith("i-"):
        return (
            f"instance ID {instance_id} looks like a classic network ID; the classic network "
            "is retired and only IDs of the form i-xxxxxxxx are supported"
        )
    return (
        f"instance ID {excerpt(instance_id)} is invalid; expected 'i-' followed by 8 to 32 "
        "lower-case letters or digits"
    )


def split_instance_ids(values: list[object]) -> tuple[list[str], list[InvalidValue]]:
    """Split raw IDs into valid ones, deduplicated in order, and invalid ones with reasons."""
    valid: list[str] = []
    seen: set[str] = set()
    invalid: list[InvalidValue] = []

    for value in values:
        reason = instance_id_error(value)
        if reason is not None:
            invalid.append(InvalidValue(excerpt(value), reason))
            continue
        assert isinstance(value, str)
        if value not in seen:
            seen.add(value)
            valid.append(value)

    return valid, invalid

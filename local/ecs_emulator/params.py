"""Parsing and checking of action parameters, with the errors the ECS OpenAPI returns."""

from __future__ import annotations

import json
import re

from . import errors

_REPEAT_NAME = re.compile(r"^(?P<prefix>[A-Za-z]+)\.(?P<index>[1-9][0-9]*)$")
_TAG_NAME = re.compile(r"^Tag\.(?P<index>[1-9][0-9]*)\.(?P<part>Key|Value)$")


def required(params: dict, name: str) -> str:
    """Return a parameter's value or raise MissingParameter.<name>."""
    value = params.get(name)
    if value is None or value == "":
        raise errors.missing_parameter(name)
    return value


def repeat_list(params: dict, prefix: str, limit: int) -> list[str]:
    """Return the values of prefix.1 .. prefix.N in index order, at most limit of them."""
    indexed = []
    for name, value in params.items():
        match = _REPEAT_NAME.match(name)
        if match and match.group("prefix") == prefix:
            indexed.append((int(match.group("index")), value))

    values = [value for _, value in sorted(indexed)]
    if len(values) > limit:
        raise errors.over_limit(f"{prefix}.N", len(values), limit)
    for value in values:
        if not value:
            raise errors.invalid_parameter(f"{prefix}.N", value, "an item is empty")
    return list(dict.fromkeys(values))


def json_list(params: dict, name: str, limit: int) -> list[str] | None:
    """Return a JSON-array-of-strings parameter as a list, or None when it is absent."""
    raw = params.get(name)
    if raw is None:
        return None

    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise errors.invalid_parameter(
            name, raw, 'it must be a JSON array of IDs such as ["i-bp1...", "i-bp2..."]')
    if len(value) > limit:
        raise errors.over_limit(name, len(value), limit)
    return list(dict.fromkeys(value))


def integer(params: dict, name: str, default: int, minimum: int, maximum: int | None) -> int:
    """Return an integer parameter within [minimum, maximum], or its default when absent."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default

    try:
        value = int(raw)
    except ValueError:
        raise errors.invalid_parameter(name, raw, "it must be an integer") from None
    if maximum is not None and value > maximum:
        raise errors.ApiError(f'The specified parameter "{name}" is {value}, more than the '
                              f"maximum of {maximum}.", code="InvalidParameter")
    if value < minimum:
        raise errors.invalid_parameter(name, raw, f"it must be at least {minimum}")
    return value


def boolean(params: dict, name: str, default: bool = False) -> bool:
    """Return a true/false parameter, or raise InvalidParameter.<name> for other text."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise errors.invalid_parameter(name, raw, "it must be true or false")


def choice(params: dict, name: str, allowed: tuple[str, ...], default: str | None) -> str | None:
    """Return a parameter that must be one of the allowed values, or its default."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw not in allowed:
        raise errors.invalid_parameter(name, raw, f"it must be one of {', '.join(allowed)}")
    return raw


def tag_pairs(params: dict, limit: int = 20) -> list[tuple[str, str | None]]:
    """Return (key, value) pairs from Tag.N.Key and Tag.N.Value in index order.

    The value is None when Tag.N.Value is absent. A Tag.N.Value without its Tag.N.Key is
    an error, as is more than limit tags.
    """
    keys: dict[int, str] = {}
    values: dict[int, str] = {}
    for name, value in params.items():
        match = _TAG_NAME.match(name)
        if match:
            target = keys if match.group("part") == "Key" else values
            target[int(match.group("index"))] = value

    orphans = sorted(set(values) - set(keys))
    if orphans:
        raise errors.missing_parameter(f"Tag.{orphans[0]}.Key")
    if len(keys) > limit:
        raise errors.over_limit("Tag.N", len(keys), limit)
    return [(keys[index], values.get(index)) for index in sorted(keys)]

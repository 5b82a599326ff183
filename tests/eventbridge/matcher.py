"""An EventBridge event pattern matcher, for testing trigger filter patterns.

It follows the rules on the EventBridge event patterns page
(https://www.alibabacloud.com/help/en/doc-detail/181432.htm):

- A pattern mirrors the event's nesting. Keys are combined with AND and the
  values in a key's array with OR. Matching is case-sensitive.
- An exact value matches when both render to the same string, so 300 matches
  300 and "300" but not 300.0.
- Operators are objects inside the value array: `prefix`, `suffix` (both may
  share one object), `contains`, `anything-but` (a value, an array of values,
  or a `prefix` or `suffix` object), `numeric` (pairs of comparison and
  number), `exists`, and `cidr` (IPv4 only).
- `[null]` matches a null value and `[""]` an empty string. Neither matches
  the other or an absent field.
"""

from __future__ import annotations

import ipaddress
import math
import operator

_ABSENT = object()
_NUMERIC_OPERATORS = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


class PatternError(ValueError):
    """An event pattern that EventBridge would not accept."""


def matches(pattern: dict, event: object) -> bool:
    """Return whether `event` matches the event `pattern`.

    Raises PatternError when the pattern is malformed.
    """
    if not isinstance(pattern, dict):
        raise PatternError(f"a pattern must be a JSON object, got {pattern!r}")

    fields = event if isinstance(event, dict) else {}
    for key, expected in pattern.items():
        value = fields.get(key, _ABSENT)
        if isinstance(expected, dict):
            # A missing parent object is treated as empty, so nested
            # {"exists": false} still matches.
            if not matches(expected, value if isinstance(value, dict) else {}):
                return False
        elif isinstance(expected, list):
            if not _matches_any(expected, value):
                return False
        else:
            raise PatternError(f"pattern value for {key!r} must be an array or object")
    return True


def _matches_any(conditions: list, value: object) -> bool:
    if not conditions:
        raise PatternError("a pattern value array must not be empty")

    # NOTE: The EventBridge page does not say how an array in the event is
    # matched. This follows Amazon EventBridge, where any element may match.
    candidates = value if isinstance(value, list) else [value]
    for condition in conditions:
        if isinstance(condition, dict) and "exists" in condition:
            if _check_exists(condition, value):
                return True
            continue
        if any(_matches_condition(condition, candidate) for candidate in candidates):
            return True
    return False


def _check_exists(condition: dict, value: object) -> bool:
    expected_presence = condition["exists"]
    if len(condition) != 1 or not isinstance(expected_presence, bool):
        raise PatternError(f"invalid exists condition {condition!r}")
    return (value is not _ABSENT) == expected_presence


def _matches_condition(condition: object, value: object) -> bool:
    if value is _ABSENT:
        return False
    if condition is None:
        return value is None
    if isinstance(condition, dict):
        return _matches_operator(condition, value)
    if isinstance(condition, list):
        raise PatternError(f"nested arrays are not valid conditions: {condition!r}")
    return _equal(condition, value)


def _matches_operator(condition: dict, value: object) -> bool:
    keys = set(condition)
    if keys and keys <= {"prefix", "suffix"}:
        return _matches_affixes(condition, value)
    if len(keys) != 1:
        raise PatternError(f"invalid operator object {condition!r}")

    (name,) = keys
    argument = condition[name]
    if name == "contains":
        return isinstance(value, str) and isinstance(argument, str) and argument in value
    if name == "anything-but":
        return _matches_anything_but(argument, value)
    if name == "numeric":
        return _matches_numeric(argument, value)
    if name == "cidr":
        return _matches_cidr(argument, value)
    raise PatternError(f"unknown operator {name!r}")


def _matches_affixes(condition: dict, value: object) -> bool:
    for name, argument in condition.items():
        if not isinstance(argument, str):
            raise PatternError(f"{name} needs a string, got {argument!r}")
    if not isinstance(value, str):
        return False
    return value.startswith(condition.get("prefix", "")) and value.endswith(condition.get("suffix", ""))


def _matches_anything_but(argument: object, value: object) -> bool:
    if isinstance(argument, dict):
        return not _matches_affixes(argument, value) if isinstance(value, str) else False
    excluded = argument if isinstance(argument, list) else [argument]
    return not any(_equal(item, value) for item in excluded)


def _matches_numeric(argument: object, value: object) -> bool:
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        raise PatternError(f"numeric needs pairs of comparison and number, got {argument!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False

    for index in range(0, len(argument), 2):
        name, bound = argument[index], argument[index + 1]
        compare = _NUMERIC_OPERATORS.get(name)
        if compare is None or isinstance(bound, bool) or not isinstance(bound, (int, float)):
            raise PatternError(f"invalid numeric condition {argument!r}")
        if not compare(value, bound):
            return False
    return True


def _matches_cidr(argument: object, value: object) -> bool:
    try:
        network = ipaddress.IPv4Network(argument)
    except (ValueError, TypeError) as error:
        raise PatternError(f"invalid cidr {argument!r}") from error
    if not isinstance(value, str):
        return False
    try:
        return ipaddress.IPv4Address(value) in network
    except ValueError:
        return False


def _equal(expected: object, value: object) -> bool:
    """Compare a pattern value and an event value as exact matching does.

    Strings and numbers compare as text, null equals only null, and booleans
    equal only booleans.
    """
    if expected is None or value is None:
        return expected is None and value is None
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool) and expected == value
    if not isinstance(value, (str, int, float)):
        return False
    return _render(expected) == _render(value)


def _render(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return str(value)

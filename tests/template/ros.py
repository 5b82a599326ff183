"""Helpers that walk a parsed ROS template: intrinsic functions, references and
the names a function-call resolves to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

INTRINSIC_KEYS = frozenset(
    {
        "Ref",
        "Fn::GetAtt",
        "Fn::Sub",
        "Fn::Join",
        "Fn::If",
        "Fn::Equals",
        "Fn::Select",
        "Fn::Split",
        "Fn::Not",
        "Fn::And",
        "Fn::Or",
        "Fn::Base64Encode",
        "Fn::FindInMap",
    }
)
SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


def is_intrinsic(value: Any) -> bool:
    """Return whether a value is a single ROS function call such as {"Ref": "X"}."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSIC_KEYS


def walk(value: Any) -> Iterator[Any]:
    """Yield a value and every value nested inside it, depth first."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def calls(value: Any, key: str) -> list[Any]:
    """Return the arguments of every call of one ROS function inside a value."""
    return [node[key] for node in walk(value) if is_intrinsic(node) and key in node]


def sub_variables(argument: Any) -> list[str]:
    """Return the ${...} names of a Fn::Sub argument, in string or [string, map] form."""
    text = argument if isinstance(argument, str) else argument[0]
    local_names = set() if isinstance(argument, str) else set(argument[1])
    return [name for name in SUB_VARIABLE.findall(text) if name not in local_names]


def resolve(value: Any, template: dict, parameters: dict[str, Any] | None = None) -> Any:
    """Evaluate Ref to parameters, Fn::Equals and Fn::If with the given parameter values.

    Parameters not given take their Default. Other functions are returned unchanged.
    """
    values = {name: spec.get("Default") for name, spec in template["Parameters"].items()}
    values.update(parameters or {})

    def evaluate(node: Any) -> Any:
        if not is_intrinsic(node):
            return node
        key, argument = next(iter(node.items()))
        if key == "Ref" and argument in values:
            return values[argument]
        if key == "Fn::Equals":
            return evaluate(argument[0]) == evaluate(argument[1])
        if key == "Fn::If":
            condition = evaluate(template["Conditions"][argument[0]])
            return evaluate(argument[1] if condition else argument[2])
        return node

    return evaluate(value)

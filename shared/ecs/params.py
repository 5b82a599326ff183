"""Request parameters: ID lists, numbered repeat lists and tags, with their limits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

MAX_TAGS_PER_CALL = 20
MAX_TAG_KEY_LENGTH = 128
RESERVED_TAG_KEY_PREFIXES = ("aliyun", "acs:")


def unique_ids(instance_ids: Iterable[str], *, name: str = "instance_ids") -> list[str]:
    """Return the IDs without repeats, in their first order.

    Raises ValueError on an ID that is not a non-empty string.

    A single string is rejected, because iterating it would yield its characters.
    """
    if isinstance(instance_ids, str):
        raise ValueError(f"{name} must be a list of IDs, not the single string {instance_ids!r}")
    ids: list[str] = []
    seen: set[str] = set()
    for instance_id in instance_ids:
        if not isinstance(instance_id, str) or not instance_id.strip():
            raise ValueError(f"{name} contains {instance_id!r}, which is not an instance ID")
        if instance_id not in seen:
            seen.add(instance_id)
            ids.append(instance_id)
    return ids


def check_count(ids: list[str], maximum: int, action: str) -> None:
    """Raise ValueError unless there are between 1 and `maximum` IDs."""
    if not ids:
        raise ValueError(f"{action} needs at least one instance ID")
    if len(ids) > maximum:
        raise ValueError(
            f"{action} takes at most {maximum} instance IDs per call, got {len(ids)}; "
            "split the list"
        )


def chunked(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def numbered(prefix: str, values: Iterable[str]) -> dict[str, str]:
    """Return the repeat list `prefix.1`, `prefix.2`, ... that RPC APIs take."""
    return {f"{prefix}.{number}": value for number, value in enumerate(values, start=1)}


def check_tag_key(key: object, *, for_filter: bool = False) -> None:
    """Raise ValueError unless `key` is a tag key that ECS accepts.

    Reserved prefixes are allowed in filters, because system tags can be matched.
    """
    if not isinstance(key, str) or not key:
        raise ValueError(f"tag key {key!r} is invalid; a tag key is a non-empty string")
    if len(key) > MAX_TAG_KEY_LENGTH:
        raise ValueError(
            f"tag key {key[:32]!r}... has {len(key)} characters; "
            f"the maximum is {MAX_TAG_KEY_LENGTH}"
        )
    if not for_filter and key.startswith(RESERVED_TAG_KEY_PREFIXES):
        raise ValueError(f"tag key {key!r} is invalid; keys must not start with 'aliyun' or 'acs:'")


def tag_params(tags: Mapping[str, str | None], *, for_filter: bool) -> dict[str, str]:
    """Return `Tag.N.Key` and `Tag.N.Value` for at most 20 tags.

    In a filter, a value of None sends the key alone, which matches any value. Tags
    to write need a value for every key.
    """
    if not isinstance(tags, Mapping):
        raise ValueError(f"tags must be a mapping of key to value, got {type(tags).__name__}")
    if len(tags) > MAX_TAGS_PER_CALL:
        raise ValueError(f"got {len(tags)} tags; a call takes at most {MAX_TAGS_PER_CALL}")

    params: dict[str, str] = {}
    for number, (key, value) in enumerate(tags.items(), start=1):
        check_tag_key(key, for_filter=for_filter)
        if value is None and for_filter:
            params[f"Tag.{number}.Key"] = key
            continue
        if not isinstance(value, str):
            raise ValueError(f"tag {key!r} has the value {value!r}; a tag value is a string")
        params[f"Tag.{number}.Key"] = key
        params[f"Tag.{number}.Value"] = value
    return params

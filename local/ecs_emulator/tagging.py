"""TagResources and ListTagResources for ResourceType=instance."""

from __future__ import annotations

import itertools

from . import errors, params
from .models import FleetState
from .paging import decode_token, encode_token

MAX_RESOURCE_IDS = 50
MAX_TAGS = 20
MAX_TAG_LENGTH = 128
TAG_PAGE_SIZE = 50
RESERVED_KEY_PREFIXES = ("aliyun", "acs:")
URL_MARKERS = ("http://", "https://")


def _resource_type(values: dict) -> None:
    resource_type = params.required(values, "ResourceType")
    if resource_type.lower() != "instance":
        raise errors.InvalidResourceTypeNotSupported(
            f"The ResourceType {resource_type!r} is not supported by this emulator. "
            f"Use instance.")


def validate_tag(key: str, value: str | None) -> None:
    """Raise InvalidTagKey.Malformed or InvalidTagValue.Malformed for a tag ECS rejects."""
    if not key or len(key) > MAX_TAG_LENGTH:
        raise errors.InvalidTagKeyMalformed(
            f"The tag key {key!r} must have 1 to {MAX_TAG_LENGTH} characters.")
    if key.lower().startswith(RESERVED_KEY_PREFIXES):
        raise errors.InvalidTagKeyMalformed(
            f"The tag key {key!r} starts with a reserved prefix (aliyun or acs:). "
            f"Choose another key.")
    if any(marker in key.lower() for marker in URL_MARKERS):
        raise errors.InvalidTagKeyMalformed(f"The tag key {key!r} must not contain http:// "
                                            f"or https://.")

    if value is not None and len(value) > MAX_TAG_LENGTH:
        raise errors.InvalidTagValueMalformed(
            f"The value of tag {key!r} has {len(value)} characters, more than "
            f"{MAX_TAG_LENGTH}.")
    if value is not None and any(marker in value.lower() for marker in URL_MARKERS):
        raise errors.InvalidTagValueMalformed(
            f"The value of tag {key!r} must not contain http:// or https://.")


def tag_resources(state: FleetState, values: dict) -> dict:
    region = state.region(params.required(values, "RegionId"))
    _resource_type(values)
    resource_ids = params.repeat_list(values, "ResourceId", MAX_RESOURCE_IDS)
    if not resource_ids:
        raise errors.missing_parameter("ResourceId.N")
    tags = params.tag_pairs(values, MAX_TAGS)
    if not tags:
        raise errors.missing_parameter("Tag.N.Key")

    seen = set()
    for key, value in tags:
        validate_tag(key, value)
        if key in seen:
            raise errors.invalid_parameter("Tag.N.Key", key, "a key appears more than once")
        seen.add(key)

    # NOTE: ECS also limits the number of tags per resource, but the emulator does not.
    instances = state.find(region, resource_ids, errors.InvalidInstanceNotFound)
    for instance in instances:
        for key, value in tags:
            instance.tags[key] = value or ""
    return {}


def list_tag_resources(state: FleetState, values: dict) -> dict:
    region = state.region(params.required(values, "RegionId"))
    _resource_type(values)
    resource_ids = params.repeat_list(values, "ResourceId", MAX_RESOURCE_IDS)
    tag_filter = params.tag_pairs(values, MAX_TAGS)

    if resource_ids:
        found = (state.by_id.get(resource_id) for resource_id in resource_ids)
        candidates = [i for i in found if i is not None and i.region_id == region.region_id]
    else:
        candidates = region.instances

    def rows():
        for instance in candidates:
            if not all(key in instance.tags and (value is None or instance.tags[key] == value)
                       for key, value in tag_filter):
                continue
            for key, value in instance.tags.items():
                if tag_filter and not any(key == wanted for wanted, _ in tag_filter):
                    continue
                yield {"ResourceId": instance.instance_id, "ResourceType": "instance",
                       "TagKey": key, "TagValue": value}

    fingerprint = repr(("ListTagResources", region.region_id, resource_ids, tag_filter))
    token = values.get("NextToken") or ""
    start = decode_token(token, fingerprint) if token else 0
    window = list(itertools.islice(rows(), start, start + TAG_PAGE_SIZE + 1))
    page = window[:TAG_PAGE_SIZE]
    more = len(window) > TAG_PAGE_SIZE
    return {
        "NextToken": encode_token(start + TAG_PAGE_SIZE, fingerprint) if more else "",
        "TagResources": {"TagResource": page},
    }

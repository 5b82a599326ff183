"""Parse instance event payloads into the instances to check.

Shapes handled, each explicitly:

- An EventBridge CloudEvent (`specversion`, `id`, `source`, `type`, `data`,
  `aliyunregionid`, ...). ECS and Auto Scaling push one event per invocation.
- A JSON array of CloudEvents or of RawData objects, as event-streaming mode
  delivers them. Each element is parsed on its own.
- RawData, which is only the event's `data` object.
- The CloudMonitor notification (`product: "ECS"`, `name: "Instance:StateChange"`,
  `content.resourceId`, `regionId`).

ECS state change data arrives either as a CloudMonitor-style `content` object
(`resourceId`, `resourceType`, `state`) or with those fields directly in
`data`, so both are accepted. Only the `Running` state is acted on.
"""

from __future__ import annotations

from shared.payloads.model import (
    CLOUDMONITOR_STATE_CHANGE,
    ECS_STATE_CHANGE,
    ESS_SCALE_OUT,
    InstanceEvent,
    Rejection,
)
from shared.payloads.text import decode_json, describe_type, excerpt

ECS_STATE_CHANGE_TYPE = "ecs:Instance:StateChange"
ESS_SCALE_OUT_TYPES = frozenset({"ess:ScalingActivity:ScaleOutSuccess", "ess:ScalingActivity:ScaleOutPartialSuccess"})
ACTED_ON_STATE = "Running"
ECS_INSTANCE_RESOURCE_TYPE = "ALIYUN::ECS::Instance"
# CloudMonitor notifications have an `id` but no `source`, so keys use this value instead.
CLOUDMONITOR_KEY_SOURCE = "cloudmonitor"
# Embedded values in reasons are cut shorter than Rejection.value.
_REASON_VALUE_LIMIT = 64


class _Rejected(Exception):
    """Internal signal that carries one Rejection out of nested parsing steps."""

    def __init__(self, reason: str, value: object) -> None:
        super().__init__(reason)
        self.rejection = Rejection(reason, excerpt(value))


def parse_instance_events(payload: bytes, default_region: str) -> tuple[list[InstanceEvent], list[Rejection]]:
    """Parse an instance event payload into events to act on and rejections.

    Never raises, which property tests check with random JSON and bytes. Every
    part of the payload that is not acted on, from invalid JSON to an ignored
    event type, yields one Rejection with the reason.
    `default_region` is used when the payload carries no region.
    Instance IDs are returned as found, however many there are; the caller
    validates them and enforces its own limit.
    """
    document, rejection = decode_json(payload)
    if rejection is not None:
        return [], [rejection]

    events: list[InstanceEvent] = []
    rejections: list[Rejection] = []

    if isinstance(document, list):
        if not document:
            rejections.append(Rejection("invalid payload: empty event array", "[]"))
        for index, element in enumerate(document):
            _collect(element, default_region, f"array element {index}: ", events, rejections)
    elif isinstance(document, dict):
        _collect(document, default_region, "", events, rejections)
    else:
        reason = f"invalid payload: expected a JSON object or array, got a JSON {describe_type(document)}"
        rejections.append(Rejection(reason, excerpt(document)))

    return events, rejections


def _collect(
    element: object,
    default_region: str,
    prefix: str,
    events: list[InstanceEvent],
    rejections: list[Rejection],
) -> None:
    try:
        events.append(_parse_element(element, default_region))
    except _Rejected as rejected:
        reason = prefix + rejected.rejection.reason
        rejections.append(Rejection(reason, rejected.rejection.value))


def _parse_element(element: object, default_region: str) -> InstanceEvent:
    if not isinstance(element, dict):
        reason = f"invalid event: expected a JSON object, got a JSON {describe_type(element)}"
        raise _Rejected(reason, element)

    if "specversion" in element or {"source", "type", "data"} <= element.keys():
        return _parse_cloud_event(element, default_region)
    if "product" in element and "name" in element:
        return _parse_cloudmonitor(element, default_region)
    return _parse_raw_data(element, default_region)


def _parse_cloud_event(event: dict, default_region: str) -> InstanceEvent:
    event_type = event.get("type")
    if not isinstance(event_type, str):
        raise _wrong_type("CloudEvent", "type", "a string", event_type, event)

    if event_type != ECS_STATE_CHANGE_TYPE and event_type not in ESS_SCALE_OUT_TYPES:
        raise _Rejected(f"ignored: event type {_quote(event_type)} is not handled", event)

    data = event.get("data")
    if not isinstance(data, dict):
        raise _wrong_type("CloudEvent", "data", "a JSON object", data, event)

    source = event.get("source")
    event_id = event.get("id")
    key = (source, event_id) if isinstance(source, str) and isinstance(event_id, str) else None

    if event_type == ECS_STATE_CHANGE_TYPE:
        instance_id, state, content = _read_state_change(data, require_content=False)
        region = _pick_region(default_region, event, *_cloud_event_regions(event, data, content))
        return InstanceEvent(key, ECS_STATE_CHANGE, region, [instance_id], state)

    instance_ids, content = _read_scale_out(data)
    region = _pick_region(default_region, event, *_cloud_event_regions(event, data, content))
    return InstanceEvent(key, ESS_SCALE_OUT, region, instance_ids, None)


def _parse_cloudmonitor(notification: dict, default_region: str) -> InstanceEvent:
    product = notification.get("product")
    name = notification.get("name")
    if product != "ECS" or name != "Instance:StateChange":
        event_name = f"{_quote(product)} {_quote(name)}"
        raise _Rejected(f"ignored: CloudMonitor event {event_name} is not handled", notification)

    # The top-level resourceId is the instance's ARN, so only content.resourceId is used.
    instance_id, state, _ = _read_state_change(notification, require_content=True)
    region = _pick_region(default_region, notification, ("regionId", notification))
    notification_id = notification.get("id")
    key = (CLOUDMONITOR_KEY_SOURCE, notification_id) if isinstance(notification_id, str) else None
    return InstanceEvent(key, CLOUDMONITOR_STATE_CHANGE, region, [instance_id], state)


def _parse_raw_data(data: dict, default_region: str) -> InstanceEvent:
    content = data.get("content")
    fields = content if isinstance(content, dict) else data

    # NOTE: RawData carries no event type, so scale-in data would look the same as
    # scale-out data here. Only the trigger's event pattern keeps it out.
    if "instanceIds" in fields:
        instance_ids, content = _read_scale_out(data)
        region = _pick_region(default_region, data, ("regionId", data), ("regionId", content))
        return InstanceEvent(None, ESS_SCALE_OUT, region, instance_ids, None)

    if "resourceId" in fields or "state" in fields:
        instance_id, state, content = _read_state_change(data, require_content=False)
        region = _pick_region(default_region, data, ("regionId", data), ("regionId", content))
        return InstanceEvent(None, ECS_STATE_CHANGE, region, [instance_id], state)

    raise _Rejected(
        "invalid payload: unknown event shape; expected an EventBridge CloudEvent, "
        "an array of them, RawData event data or a CloudMonitor notification",
        data,
    )


def _read_state_change(data: dict, require_content: bool) -> tuple[str, str, dict | None]:
    """Return (instance ID, state, content) of an ECS state change that is acted on."""
    content = data.get("content")
    if content is None and require_content:
        raise _Rejected("invalid state change: missing 'content'", data)
    if content is not None and not isinstance(content, dict):
        raise _wrong_type("state change", "content", "a JSON object", content, data)
    fields = content if content is not None else data

    instance_id = fields.get("resourceId")
    if not isinstance(instance_id, str) or not instance_id:
        raise _wrong_type("state change", "resourceId", "a non-empty string", instance_id, data)
    if instance_id.startswith("acs:"):
        raise _Rejected("invalid state change: 'resourceId' is an ARN, not an instance ID", data)

    state = fields.get("state")
    if not isinstance(state, str):
        raise _wrong_type("state change", "state", "a string", state, data)

    resource_type = fields.get("resourceType")
    if resource_type is not None and resource_type != ECS_INSTANCE_RESOURCE_TYPE:
        raise _Rejected(
            f"ignored: resource type {_quote(resource_type)} is not {ECS_INSTANCE_RESOURCE_TYPE}",
            data,
        )

    if state != ACTED_ON_STATE:
        raise _Rejected(
            f"ignored: instance {_quote(instance_id)} state is {_quote(state)}; only {ACTED_ON_STATE} is acted on",
            data,
        )
    return instance_id, state, content


def _read_scale_out(data: dict) -> tuple[list[str], dict | None]:
    """Return (instance IDs, content) of an Auto Scaling scale-out event's data.

    NOTE: No published sample of this data was found. `instanceIds` is accepted
    directly in `data` or in a CloudMonitor-style `data.content`.
    """
    content = data.get("content")
    if content is not None and not isinstance(content, dict):
        raise _wrong_type("scale-out data", "content", "a JSON object", content, data)
    fields = content if content is not None and "instanceIds" in content else data

    instance_ids = fields.get("instanceIds")
    if instance_ids is None:
        raise _Rejected("invalid scale-out data: missing 'instanceIds'", data)
    if not isinstance(instance_ids, list):
        raise _wrong_type("scale-out data", "instanceIds", "an array", instance_ids, data)
    if not instance_ids:
        raise _Rejected("invalid scale-out data: 'instanceIds' is empty", data)

    non_strings = [item for item in instance_ids if not isinstance(item, str)]
    if non_strings:
        raise _Rejected(
            f"invalid scale-out data: {len(non_strings)} of {len(instance_ids)} 'instanceIds' elements are not strings",
            non_strings,
        )
    return list(instance_ids), content if isinstance(content, dict) else None


def _pick_region(default_region: str, rejected_value: object, *sources: tuple[str, dict | None]) -> str:
    """Return the first non-empty region among (field, object) pairs, else the default."""
    for field, container in sources:
        if container is None:
            continue
        region = container.get(field)
        if region is None or region == "":
            continue
        if not isinstance(region, str):
            raise _wrong_type("event", field, "a string", region, rejected_value)
        return region
    return default_region


def _cloud_event_regions(event: dict, data: dict, content: dict | None) -> tuple[tuple[str, dict | None], ...]:
    return (("aliyunregionid", event), ("regionId", data), ("regionId", content))


def _wrong_type(object_name: str, field: str, expected: str, value: object, rejected_value: object) -> _Rejected:
    if value is None:
        reason = f"invalid {object_name}: '{field}' is missing or null"
    elif value == "":
        reason = f"invalid {object_name}: '{field}' must be {expected}, got an empty string"
    else:
        reason = f"invalid {object_name}: '{field}' must be {expected}, got {describe_type(value)}"
    return _Rejected(reason, rejected_value)


def _quote(value: object) -> str:
    return excerpt(value, _REASON_VALUE_LIMIT)

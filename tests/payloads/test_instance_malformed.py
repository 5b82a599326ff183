"""parse_instance_events on malformed, hostile and edge-case payloads."""

from __future__ import annotations

import copy
import json

import pytest

from shared.payloads import ECS_STATE_CHANGE, ESS_SCALE_OUT, MAX_EXCERPT, parse_instance_events
from tests.payloads.fixtures import fixture_json

REGION = "cn-hangzhou"
INSTANCE = "i-bp1c6kq0k2bsh9y4x3rs"


def encode(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


def ecs_event(**changes: object) -> dict:
    event = copy.deepcopy(fixture_json("eventbridge_ecs_running_flat.json"))
    event.update(changes)
    return event


def ess_event(**data_changes: object) -> dict:
    event = copy.deepcopy(fixture_json("eventbridge_ess_scale_out_success.json"))
    event["data"].update(data_changes)
    return event


def only_rejection(payload: bytes, default_region: str = REGION):
    events, rejections = parse_instance_events(payload, default_region)
    assert events == []
    assert len(rejections) == 1
    return rejections[0]


@pytest.mark.parametrize(
    ("payload", "reason_start"),
    [
        (b"", "invalid payload: empty"),
        (b"  \n\t", "invalid payload: empty"),
        (b"\xff\xfe{}", "invalid payload: not UTF-8"),
        (b'{"id": "\xc3\x28"}', "invalid payload: not UTF-8"),
        (b"{not json", "invalid payload: not valid JSON"),
        (b'{"a": 1} trailing', "invalid payload: not valid JSON"),
        (b"1" * 5000, "invalid payload: not valid JSON"),
        (b"[" * 100_000, "invalid payload: JSON is nested too deeply"),
        (b'"i-bp1c6kq0k2bsh9y4x3rs"', "invalid payload: expected a JSON object or array"),
        (b"42", "invalid payload: expected a JSON object or array"),
        (b"null", "invalid payload: expected a JSON object or array"),
        (b"true", "invalid payload: expected a JSON object or array"),
        (b"[]", "invalid payload: empty event array"),
        (b"{}", "invalid payload: unknown event shape"),
        (b'{"resourceType": "ALIYUN::ECS::Instance"}', "invalid payload: unknown event shape"),
    ],
)
def test_malformed_payload_rejected(payload, reason_start):
    rejection = only_rejection(payload)

    assert rejection.reason.startswith(reason_start)


def test_payload_of_wrong_python_type():
    rejection = only_rejection(12345)

    assert rejection.reason == "invalid payload: expected bytes, got int"


def test_str_payload_accepted():
    events, rejections = parse_instance_events(json.dumps(ecs_event()), REGION)

    assert [event.instance_ids for event in events] == [["i-uf6e1m0t3ar9xq4wz8kd"]]
    assert rejections == []


def test_byte_order_mark_skipped():
    events, rejections = parse_instance_events(b"\xef\xbb\xbf" + encode(ecs_event()), REGION)

    assert len(events) == 1
    assert rejections == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": 7}, "invalid CloudEvent: 'type' must be a string, got number"),
        ({"type": None}, "invalid CloudEvent: 'type' is missing or null"),
        ({"type": "ecs:Instance:Other"}, "ignored: event type ecs:Instance:Other is not handled"),
        (
            {"type": "ecs:instance:statechange"},
            "ignored: event type ecs:instance:statechange is not handled",
        ),
        ({"data": None}, "invalid CloudEvent: 'data' is missing or null"),
        ({"data": "Running"}, "invalid CloudEvent: 'data' must be a JSON object, got string"),
        ({"data": [INSTANCE]}, "invalid CloudEvent: 'data' must be a JSON object, got array"),
        ({"data": {"state": "Running"}}, "invalid state change: 'resourceId' is missing or null"),
        (
            {"data": {"resourceId": "", "state": "Running"}},
            "invalid state change: 'resourceId' must be a non-empty string, got an empty string",
        ),
        (
            {"data": {"resourceId": [INSTANCE], "state": "Running"}},
            "invalid state change: 'resourceId' must be a non-empty string, got array",
        ),
        ({"data": {"resourceId": INSTANCE}}, "invalid state change: 'state' is missing or null"),
        (
            {"data": {"resourceId": INSTANCE, "state": True}},
            "invalid state change: 'state' must be a string, got boolean",
        ),
        (
            {"data": {"resourceId": INSTANCE, "state": "running"}},
            f"ignored: instance {INSTANCE} state is running; only Running is acted on",
        ),
        (
            {"data": {"content": "x", "resourceId": INSTANCE, "state": "Running"}},
            "invalid state change: 'content' must be a JSON object, got string",
        ),
        (
            {
                "data": {
                    "resourceId": f"acs:ecs:cn-hangzhou:1:instance/{INSTANCE}",
                    "state": "Running",
                }
            },
            "invalid state change: 'resourceId' is an ARN, not an instance ID",
        ),
        (
            {
                "data": {
                    "resourceId": "d-bp1disk",
                    "resourceType": "ALIYUN::ECS::Disk",
                    "state": "Running",
                }
            },
            "ignored: resource type ALIYUN::ECS::Disk is not ALIYUN::ECS::Instance",
        ),
        ({"aliyunregionid": 3}, "invalid event: 'aliyunregionid' must be a string, got number"),
    ],
)
def test_bad_ecs_cloud_event_rejected(changes, reason):
    rejection = only_rejection(encode(ecs_event(**changes)))

    assert rejection.reason == reason


@pytest.mark.parametrize(
    ("data_changes", "reason"),
    [
        ({"instanceIds": None}, "invalid scale-out data: missing 'instanceIds'"),
        (
            {"instanceIds": "i-bp1c6kq0k2bsh9y4x3rs,i-bp1f4qz7m2d8wk0n5tyh"},
            "invalid scale-out data: 'instanceIds' must be an array, got string",
        ),
        (
            {"instanceIds": {"0": INSTANCE}},
            "invalid scale-out data: 'instanceIds' must be an array, got object",
        ),
        ({"instanceIds": []}, "invalid scale-out data: 'instanceIds' is empty"),
        (
            {"instanceIds": [INSTANCE, 5, None]},
            "invalid scale-out data: 2 of 3 'instanceIds' elements are not strings",
        ),
        ({"content": 1}, "invalid scale-out data: 'content' must be a JSON object, got number"),
    ],
)
def test_bad_scale_out_data_rejected(data_changes, reason):
    rejection = only_rejection(encode(ess_event(**data_changes)))

    assert rejection.reason == reason


def test_scale_out_region_of_wrong_type():
    event = ess_event(regionId=["cn-hangzhou"])
    del event["aliyunregionid"]

    rejection = only_rejection(encode(event))

    assert rejection.reason == "invalid event: 'regionId' must be a string, got array"


def test_scale_out_ids_in_content_accepted():
    event = ess_event()
    instance_ids = event["data"].pop("instanceIds")
    event["data"]["content"] = {"instanceIds": instance_ids, "regionId": "cn-qingdao"}
    del event["aliyunregionid"]
    del event["data"]["regionId"]

    events, rejections = parse_instance_events(encode(event), REGION)

    assert [event.instance_ids for event in events] == [instance_ids]
    assert events[0].region == "cn-qingdao"
    assert rejections == []


def test_ten_thousand_ids_all_returned():
    instance_ids = [f"i-bp1{index:017d}" for index in range(10_000)]

    events, rejections = parse_instance_events(encode(ess_event(instanceIds=instance_ids)), REGION)

    assert len(events) == 1
    assert events[0].instance_ids == instance_ids
    assert events[0].kind == ESS_SCALE_OUT
    assert rejections == []


def test_region_falls_back_in_order():
    event = ecs_event()
    del event["aliyunregionid"]
    event["data"]["regionId"] = "cn-shenzhen"
    from_data, _ = parse_instance_events(encode(event), REGION)

    del event["data"]["regionId"]
    event["aliyunregionid"] = ""
    from_default, _ = parse_instance_events(encode(event), REGION)

    assert from_data[0].region == "cn-shenzhen"
    assert from_default[0].region == REGION


def test_key_none_without_id():
    event = ecs_event()
    del event["id"]

    events, rejections = parse_instance_events(encode(event), REGION)

    assert events[0].key is None
    assert events[0].kind == ECS_STATE_CHANGE
    assert rejections == []


def test_bad_array_element_keeps_others():
    good = ecs_event()
    payload = encode([good, "oops", [good], None, {"unknown": True}, good])

    events, rejections = parse_instance_events(payload, REGION)

    assert len(events) == 2
    assert [rejection.reason for rejection in rejections] == [
        "array element 1: invalid event: expected a JSON object, got a JSON string",
        "array element 2: invalid event: expected a JSON object, got a JSON array",
        "array element 3: invalid event: expected a JSON object, got a JSON null",
        "array element 4: invalid payload: unknown event shape; expected an EventBridge "
        "CloudEvent, an array of them, RawData event data or a CloudMonitor notification",
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"name": "Instance:PreemptibleInstanceInterruption"},
            "ignored: CloudMonitor event ECS Instance:PreemptibleInstanceInterruption is not handled",
        ),
        ({"product": "ESS"}, "ignored: CloudMonitor event ESS Instance:StateChange is not handled"),
        ({"content": None}, "invalid state change: missing 'content'"),
        (
            {"content": {"resourceId": INSTANCE, "state": "Stopping"}},
            f"ignored: instance {INSTANCE} state is Stopping; only Running is acted on",
        ),
        (
            {"regionId": {"id": "cn-beijing"}},
            "invalid event: 'regionId' must be a string, got object",
        ),
    ],
)
def test_bad_cloudmonitor_notification_rejected(changes, reason):
    notification = fixture_json("cloudmonitor_ecs_running.json")
    notification.update(changes)
    if notification["content"] is None:
        del notification["content"]

    rejection = only_rejection(encode(notification))

    assert rejection.reason == reason


def test_huge_strings_capped_in_rejection():
    state = "S" * 1_000_000
    rejection = only_rejection(encode(ecs_event(data={"resourceId": INSTANCE, "state": state})))

    assert len(rejection.reason) < 200
    assert len(rejection.value) <= MAX_EXCERPT


def test_control_characters_escaped_in_rejection():
    instance = "i-bad\n\x1b[31mforged log line\u2028"
    rejection = only_rejection(encode(ecs_event(data={"resourceId": instance, "state": "Stopped"})))

    assert rejection.reason.isprintable()
    assert rejection.value.isprintable()
    assert "\\x0a" in rejection.reason

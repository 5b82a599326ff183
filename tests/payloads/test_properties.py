"""Property tests that the parsers never raise, whatever they are given."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.payloads import (
    MAX_EXCERPT,
    InstanceEvent,
    Rejection,
    TimerEvent,
    parse_instance_events,
    parse_timer_event,
)

FIELD_NAMES = st.sampled_from(
    [
        "specversion", "id", "source", "type", "data", "aliyunregionid", "content",
        "resourceId", "resourceType", "state", "instanceIds", "regionId", "product",
        "name", "triggerTime", "triggerName", "payload", "regions", "dryRun",
    ]
)  # fmt: skip
TEXT = st.text() | st.sampled_from(
    [
        "1.0", "acs.ecs", "acs.ess", "ecs:Instance:StateChange", "Running", "Stopped",
        "ess:ScalingActivity:ScaleOutSuccess", "ECS", "Instance:StateChange",
        "ALIYUN::ECS::Instance", "i-bp1c6kq0k2bsh9y4x3rs", "cn-hangzhou", "acs:ecs:x",
        '{"regions": ["cn-hangzhou"], "dryRun": true}', "{",
    ]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(FIELD_NAMES | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)


def check_instance_result(result: object) -> None:
    events, rejections = result
    assert events or rejections
    assert all(isinstance(event, InstanceEvent) for event in events)
    assert all(isinstance(instance_id, str) for event in events for instance_id in event.instance_ids)
    assert all(event.instance_ids for event in events)
    assert all(isinstance(event.region, str) and event.region for event in events)
    check_rejections(rejections)


def check_rejections(rejections: list) -> None:
    for rejection in rejections:
        assert isinstance(rejection, Rejection)
        assert len(rejection.value) <= MAX_EXCERPT
        assert rejection.value.isprintable()
        assert rejection.reason.isprintable()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_instance_parser_any_json(value):
    payload = json.dumps(value).encode()

    check_instance_result(parse_instance_events(payload, "cn-hangzhou"))


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_instance_parser_any_bytes(payload):
    check_instance_result(parse_instance_events(payload, "cn-hangzhou"))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_timer_parser_any_json(value):
    event, rejections = parse_timer_event(json.dumps(value).encode())

    assert isinstance(event, TimerEvent)
    assert event.regions is None or all(isinstance(region, str) for region in event.regions)
    assert event.dry_run in (None, True, False)
    check_rejections(rejections)


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_timer_parser_any_bytes(payload):
    event, rejections = parse_timer_event(payload)

    assert isinstance(event, TimerEvent)
    check_rejections(rejections)

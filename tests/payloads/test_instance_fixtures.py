"""parse_instance_events on every instance event fixture."""

from __future__ import annotations

import pytest

from shared.payloads import (
    CLOUDMONITOR_STATE_CHANGE,
    ECS_STATE_CHANGE,
    ESS_SCALE_OUT,
    InstanceEvent,
    parse_instance_events,
)
from tests.payloads.fixtures import fixture_bytes

DEFAULT_REGION = "eu-central-1"

EXPECTED_EVENTS = {
    "eventbridge_ecs_running_content.json": InstanceEvent(
        key=("acs.ecs", "4c1f0e2d-7a3b-4e8f-9d61-0b2a5c7e9f11"),
        kind=ECS_STATE_CHANGE,
        region="cn-hangzhou",
        instance_ids=["i-bp1c6kq0k2bsh9y4x3rs"],
        state="Running",
    ),
    "eventbridge_ecs_running_flat.json": InstanceEvent(
        key=("acs.ecs", "8e2d4b6f-1a3c-4d5e-b7f9-0c2e4a6b8d10"),
        kind=ECS_STATE_CHANGE,
        region="cn-shanghai",
        instance_ids=["i-uf6e1m0t3ar9xq4wz8kd"],
        state="Running",
    ),
    "eventbridge_ess_scale_out_success.json": InstanceEvent(
        key=("acs.ess", "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5e"),
        kind=ESS_SCALE_OUT,
        region="cn-hangzhou",
        instance_ids=[
            "i-bp1c6kq0k2bsh9y4x3rs",
            "i-bp1f4qz7m2d8wk0n5tyh",
            "i-bp16hzb3l9qv2xe7m4ap",
        ],
        state=None,
    ),
    "eventbridge_ess_scale_out_partial_success.json": InstanceEvent(
        key=("acs.ess", "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"),
        kind=ESS_SCALE_OUT,
        region="cn-hangzhou",
        instance_ids=["i-bp16hzb3l9qv2xe7m4ap", "i-bp18e2p5r7yd3c0x9lgu"],
        state=None,
    ),
    "rawdata_ecs_running.json": InstanceEvent(
        key=None,
        kind=ECS_STATE_CHANGE,
        region=DEFAULT_REGION,
        instance_ids=["i-bp16hzb3l9qv2xe7m4ap"],
        state="Running",
    ),
    "rawdata_ess_scale_out.json": InstanceEvent(
        key=None,
        kind=ESS_SCALE_OUT,
        region="cn-beijing",
        instance_ids=["i-bp1f4qz7m2d8wk0n5tyh", "i-bp18e2p5r7yd3c0x9lgu"],
        state=None,
    ),
    "cloudmonitor_ecs_running.json": InstanceEvent(
        key=("cloudmonitor", "9435EAD6-3CF6-4494-8F7A-3A1B2C3D4E77"),
        kind=CLOUDMONITOR_STATE_CHANGE,
        region="cn-beijing",
        instance_ids=["i-bp18e2p5r7yd3c0x9lgu"],
        state="Running",
    ),
}

IGNORED_EVENTS = {
    "eventbridge_ecs_stopped.json": (
        "ignored: instance i-bp1f4qz7m2d8wk0n5tyh state is Stopped; only Running is acted on"
    ),
    "eventbridge_ecs_preemptible_interruption.json": (
        "ignored: event type ecs:Instance:PreemptibleInstanceInterruption is not handled"
    ),
    "eventbridge_ess_scale_in_success.json": ("ignored: event type ess:ScalingActivity:ScaleInSuccess is not handled"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_EVENTS))
def test_fixture_parses_to_event(name):
    events, rejections = parse_instance_events(fixture_bytes(name), DEFAULT_REGION)

    assert events == [EXPECTED_EVENTS[name]]
    assert rejections == []


@pytest.mark.parametrize("name", sorted(IGNORED_EVENTS))
def test_ignored_fixture_gives_rejection(name):
    events, rejections = parse_instance_events(fixture_bytes(name), DEFAULT_REGION)

    assert events == []
    assert [rejection.reason for rejection in rejections] == [IGNORED_EVENTS[name]]
    assert rejections[0].value != ""


def test_array_fixture_keeps_each_element():
    events, rejections = parse_instance_events(fixture_bytes("eventbridge_array.json"), DEFAULT_REGION)

    assert events == [
        EXPECTED_EVENTS["eventbridge_ecs_running_content.json"],
        EXPECTED_EVENTS["eventbridge_ess_scale_out_success.json"],
    ]
    assert [rejection.reason for rejection in rejections] == [
        "array element 1: " + IGNORED_EVENTS["eventbridge_ecs_stopped.json"],
        "array element 3: " + IGNORED_EVENTS["eventbridge_ess_scale_in_success.json"],
    ]


def test_cloudmonitor_arn_never_instance_id():
    events, _ = parse_instance_events(fixture_bytes("cloudmonitor_ecs_running.json"), "cn-hangzhou")

    assert len(events) == 1
    assert not any(instance_id.startswith("acs:") for instance_id in events[0].instance_ids)


@pytest.mark.parametrize(
    "name",
    ["timer_plain.json", "timer_json.json", "http_install_query.json"],
)
def test_other_trigger_fixture_rejected(name):
    events, rejections = parse_instance_events(fixture_bytes(name), DEFAULT_REGION)

    assert events == []
    assert len(rejections) == 1
    assert rejections[0].reason.startswith("invalid payload: unknown event shape")

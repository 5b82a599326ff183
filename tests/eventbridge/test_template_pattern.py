"""The template's EventBridge trigger pattern against the event fixtures.

EventBridge delivers an event to the function when any eventbridge trigger's
eventRuleFilterPattern matches it. The pattern must let ECS state changes
and Auto Scaling scale-out success and partial success through, and keep
every other event out. CloudMonitor notifications and timer events reach
the function by other paths, so the pattern must not match them either.
"""

from __future__ import annotations

import json

import pytest

from local.ros_template import load_template
from tests.eventbridge.matcher import matches
from tests.payloads.fixtures import fixture_json

DELIVERED = [
    "eventbridge_ecs_running_content.json",
    "eventbridge_ecs_running_flat.json",
    # A stopped instance still matches, because the pattern filters on type
    # only. The function itself rejects states other than Running.
    "eventbridge_ecs_stopped.json",
    "eventbridge_ess_scale_out_success.json",
    "eventbridge_ess_scale_out_partial_success.json",
]
NOT_DELIVERED = [
    "eventbridge_ecs_preemptible_interruption.json",
    "eventbridge_ess_scale_in_success.json",
    "cloudmonitor_ecs_running.json",
    "timer_plain.json",
    "timer_json.json",
]


def eventbridge_patterns() -> list[dict]:
    """Return the decoded filter pattern of every eventbridge trigger in template.yml."""
    patterns = []
    for name, resource in load_template()["Resources"].items():
        properties = resource.get("Properties", {})
        if resource.get("Type") != "ALIYUN::FC::Trigger":
            continue
        if properties.get("TriggerType") != "eventbridge":
            continue

        raw_pattern = properties["TriggerConfig"]["eventRuleFilterPattern"]
        assert isinstance(raw_pattern, str), f"{name}: eventRuleFilterPattern must be a JSON string"
        patterns.append(json.loads(raw_pattern))
    return patterns


def delivered(event: dict) -> bool:
    return any(matches(pattern, event) for pattern in eventbridge_patterns())


def test_template_has_eventbridge_trigger():
    assert eventbridge_patterns() != []


@pytest.mark.parametrize("name", DELIVERED)
def test_pattern_delivers_fixture(name):
    assert delivered(fixture_json(name)) is True


@pytest.mark.parametrize("name", NOT_DELIVERED)
def test_pattern_keeps_fixture_out(name):
    assert delivered(fixture_json(name)) is False


@pytest.mark.parametrize(
    "event_type",
    [
        "ess:ScalingActivity:ScaleOutError",
        "ess:ScalingActivity:ScaleOutStart",
        "ess:LifecycleHook:ScaleOut",
        "ess:CloudMonitor:AUTOSCALING[SCALEOUTSUCCESS]",
        "ecs:Instance:SystemFailure.Reboot",
    ],
)
def test_pattern_keeps_other_types_out(event_type):
    event = fixture_json("eventbridge_ess_scale_out_success.json")
    event["type"] = event_type

    assert delivered(event) is False


def test_pattern_requires_matching_source():
    event = fixture_json("eventbridge_ecs_running_flat.json")
    event["source"] = "acs.custom"

    assert delivered(event) is False


def test_array_elements_match_individually():
    batch = fixture_json("eventbridge_array.json")

    assert [delivered(event) for event in batch] == [True, True, True, False]

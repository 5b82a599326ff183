"""parse_timer_event on the timer fixtures and on malformed timer events."""

from __future__ import annotations

import json

import pytest

from shared.payloads import TimerEvent, parse_timer_event
from tests.payloads.fixtures import fixture_bytes

TIME = "2024-05-20T04:00:00Z"


def timer_event(payload: object) -> bytes:
    return json.dumps({"triggerTime": TIME, "triggerName": "sweep", "payload": payload}).encode()


def test_plain_fixture_leaves_sweep_unchanged():
    event, rejections = parse_timer_event(fixture_bytes("timer_plain.json"))

    assert event == TimerEvent(TIME, "daily-sweep", regions=None, dry_run=None)
    assert rejections == []


def test_json_fixture_narrows_sweep():
    event, rejections = parse_timer_event(fixture_bytes("timer_json.json"))

    assert event == TimerEvent(TIME, "daily-sweep", ("cn-hangzhou", "cn-shanghai"), True)
    assert rejections == []


@pytest.mark.parametrize("payload", ["", "   ", "awesome-fc", "[1, 2]", '"text"', "42", "regions=cn-hangzhou", None])
def test_non_object_payload_ignored(payload):
    event, rejections = parse_timer_event(timer_event(payload))

    assert event == TimerEvent(TIME, "sweep", regions=None, dry_run=None)
    assert rejections == []


def test_regions_kept_raw():
    raw_regions = ["cn-hangzhou", "CN HANGZHOU", "", "cn-hangzhou"]

    event, rejections = parse_timer_event(timer_event(json.dumps({"regions": raw_regions})))

    assert event.regions == tuple(raw_regions)
    assert event.dry_run is None
    assert rejections == []


def test_dry_run_false_kept():
    event, rejections = parse_timer_event(timer_event('{"dryRun": false}'))

    assert event.dry_run is False
    assert event.regions is None
    assert rejections == []


@pytest.mark.parametrize(
    ("options", "reason", "expected_regions", "expected_dry_run"),
    [
        (
            {"regions": "cn-hangzhou", "dryRun": True},
            "ignored: timer payload 'regions' must be an array of strings",
            None,
            True,
        ),
        (
            {"regions": ["cn-hangzhou", 1]},
            "ignored: timer payload 'regions' must be an array of strings",
            None,
            None,
        ),
        (
            {"regions": ["cn-hangzhou"], "dryRun": "true"},
            "ignored: timer payload 'dryRun' must be true or false, got string",
            ("cn-hangzhou",),
            None,
        ),
        (
            {"dryRun": 1},
            "ignored: timer payload 'dryRun' must be true or false, got number",
            None,
            None,
        ),
        (
            {"region": ["cn-hangzhou"]},
            "ignored: unknown timer payload key region; known keys are regions, dryRun",
            None,
            None,
        ),
    ],
)
def test_wrong_option_type_ignored(options, reason, expected_regions, expected_dry_run):
    event, rejections = parse_timer_event(timer_event(json.dumps(options)))

    assert [rejection.reason for rejection in rejections] == [reason]
    assert event.regions == expected_regions
    assert event.dry_run == expected_dry_run


def test_broken_json_payload_reported():
    event, rejections = parse_timer_event(timer_event('{"regions": ["cn-hangzhou"'))

    assert event.regions is None
    assert len(rejections) == 1
    assert rejections[0].reason.startswith("ignored: timer payload starts with '{' but is not")


def test_deeply_nested_payload_reported():
    event, rejections = parse_timer_event(timer_event("{" + '"a":[' * 100_000))

    assert event.regions is None
    assert len(rejections) == 1
    assert rejections[0].reason.startswith("ignored: timer payload")


def test_payload_of_wrong_type_ignored():
    event, rejections = parse_timer_event(timer_event({"regions": ["cn-hangzhou"]}))

    assert event.regions is None
    assert [rejection.reason for rejection in rejections] == ["ignored: timer 'payload' must be a string, got object"]


def test_trigger_fields_of_wrong_type():
    payload = json.dumps({"triggerTime": 1716177600, "triggerName": ["x"], "payload": ""})

    event, rejections = parse_timer_event(payload.encode())

    assert event == TimerEvent(None, None, None, None)
    assert [rejection.reason for rejection in rejections] == [
        "ignored: timer event 'triggerTime' must be a string, got number",
        "ignored: timer event 'triggerName' must be a string, got array",
    ]


@pytest.mark.parametrize(
    ("payload", "reason_start"),
    [
        (b"", "invalid payload: empty"),
        (b"\x80", "invalid payload: not UTF-8"),
        (b"[" * 100_000, "invalid payload: JSON is nested too deeply"),
        (b"[]", "invalid timer event: expected a JSON object, got a JSON array"),
        (b'"awesome-fc"', "invalid timer event: expected a JSON object, got a JSON string"),
    ],
)
def test_invalid_timer_event_rejected(payload, reason_start):
    event, rejections = parse_timer_event(payload)

    assert event == TimerEvent(None, None, None, None)
    assert len(rejections) == 1
    assert rejections[0].reason.startswith(reason_start)

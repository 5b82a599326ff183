"""instance_events end to end: every fixture shape, duplicates, malformed input, redelivery."""

from __future__ import annotations

import json

import pytest

from local.fc_runtime import FcInvocationError
from tests.functions.conftest import fixture_fleet, load_event, load_json
from tests.installer.helpers import calls_of, instance


def _outcomes(result: str) -> dict[str, str]:
    return {item["instanceId"]: item["outcome"] for item in json.loads(result)["instances"]}


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("eventbridge_ecs_running_content.json", {"i-bp1c6kq0k2bsh9y4x3rs": "rebooted"}),
        ("eventbridge_ecs_running_flat.json", {"i-uf6e1m0t3ar9xq4wz8kd": "rebooted"}),
        ("rawdata_ecs_running.json", {"i-bp16hzb3l9qv2xe7m4ap": "rebooted"}),
        ("cloudmonitor_ecs_running.json", {"i-bp18e2p5r7yd3c0x9lgu": "rebooted"}),
        ("eventbridge_ess_scale_out_success.json",
         {"i-bp16hzb3l9qv2xe7m4ap": "rebooted", "i-bp1c6kq0k2bsh9y4x3rs": "rebooted",
          "i-bp1f4qz7m2d8wk0n5tyh": "rebooted"}),
        ("eventbridge_ess_scale_out_partial_success.json",
         {"i-bp16hzb3l9qv2xe7m4ap": "rebooted", "i-bp18e2p5r7yd3c0x9lgu": "rebooted"}),
        ("rawdata_ess_scale_out.json", {"i-bp18e2p5r7yd3c0x9lgu": "rebooted", "i-bp1f4qz7m2d8wk0n5tyh": "rebooted"}),
    ],
)
def test_fixture_installs(emulator, make_function, fixture, expected):
    beijing = fixture.startswith(("cloudmonitor", "rawdata_ess"))
    emulator.reset(fixture_fleet(("cn-beijing",) if beijing else ("cn-hangzhou", "cn-shanghai")))
    function = make_function("instance_events")

    result = function.invoke(load_event(fixture))

    assert _outcomes(result) == expected
    assert json.loads(result)["complete"] is True


@pytest.mark.parametrize(
    "fixture",
    ["eventbridge_ecs_stopped.json", "eventbridge_ecs_preemptible_interruption.json",
     "eventbridge_ess_scale_in_success.json"],
)
def test_ignored_events_rejected(emulator, make_function, fixture):
    emulator.reset(fixture_fleet())
    function = make_function("instance_events")

    report = json.loads(function.invoke(load_event(fixture)))

    assert report["instances"] == []
    assert len(report["rejected"]) == 1
    assert report["rejected"][0]["reason"].startswith("ignored")
    assert emulator.calls() == []


def test_array_grouped_one_install(emulator, make_function):
    emulator.reset(fixture_fleet())
    function = make_function("instance_events")

    report = json.loads(function.invoke(load_event("eventbridge_array.json")))

    assert {item["outcome"] for item in report["instances"]} == {"rebooted"}
    assert len(report["rejected"]) == 2
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1


def test_duplicate_delivery_dropped(emulator, make_function):
    emulator.reset(fixture_fleet())
    function = make_function("instance_events")
    event = load_event("eventbridge_ecs_running_content.json")

    function.invoke(event)
    second = json.loads(function.invoke(event))

    assert second["instances"] == []
    assert second["rejected"][0]["reason"] == "duplicate delivery of an event already handled"
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1


def test_duplicate_in_other_instance_harmless(emulator, make_function):
    emulator.reset(fixture_fleet())
    event = load_event("eventbridge_ecs_running_content.json")

    make_function("instance_events").invoke(event)
    other = json.loads(make_function("instance_events").invoke(event))

    assert [item["outcome"] for item in other["instances"]] in (["skipped_not_running"], ["awaiting_heartbeat"])
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1
    assert len(calls_of(emulator, "RebootInstances")) == 1


def test_region_defaults_to_function(emulator, make_function):
    emulator.reset(fixture_fleet())
    function = make_function("instance_events", FC_REGION="cn-hangzhou")
    data = load_json("rawdata_ecs_running.json")

    report = json.loads(function.invoke(data))

    assert report["instances"][0]["regionId"] == "cn-hangzhou"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"[1, 2, 3]", "array element 0"),
        (b'"just a string"', "string"),
        (b'{"specversion": "1.0", "id": 5, "source": ["x"], "type": {}, "data": 7}', ""),
        (b'{"unknown": "shape"}', ""),
        (b"[" * 100000 + b"]" * 100000, ""),
    ],
)
def test_malformed_payload_rejected(emulator, make_function, payload, fragment):
    function = make_function("instance_events")

    report = json.loads(function.invoke(payload))

    assert report["instances"] == []
    assert report["rejected"]
    assert fragment in " ".join(item["reason"] for item in report["rejected"])
    assert emulator.calls() == []


def test_ten_thousand_ids_rejected(emulator, make_function):
    event = load_json("eventbridge_ess_scale_out_success.json")
    event["data"]["instanceIds"] = [f"i-{n:020d}" for n in range(10_000)]
    function = make_function("instance_events")

    report = json.loads(function.invoke(event))

    assert report["instances"] == []
    assert "at most 1000" in report["rejected"][0]["reason"]
    assert emulator.calls() == []


def test_invalid_ids_never_sent(emulator, make_function):
    emulator.reset(fixture_fleet())
    event = load_json("eventbridge_ess_scale_out_success.json")
    event["data"]["instanceIds"] = ["i-bp16hzb3l9qv2xe7m4ap", "i-bad&RegionId=x", "i-bp16hzb3l9qv2xe7m4ap\n"]
    function = make_function("instance_events")

    report = json.loads(function.invoke(event))

    outcomes = [item["outcome"] for item in report["instances"]]
    assert sorted(outcomes) == ["invalid_id", "invalid_id", "rebooted"]
    for call in emulator.calls():
        assert "&" not in json.dumps(call["params"])


def test_transient_failure_redelivered(emulator, make_function):
    emulator.reset(fixture_fleet())
    emulator.set_faults([{"kind": "unavailable", "action": "InstallCloudAssistant", "rate": 1.0}])
    function = make_function("instance_events")
    event = load_event("eventbridge_ecs_running_content.json")

    with pytest.raises(FcInvocationError) as raised:
        function.invoke(event)

    assert raised.value.error_type == "TransientFailureError"
    assert "i-bp1c6kq0k2bsh9y4x3rs" in raised.value.error_message
    emulator.clear_faults()
    retried = json.loads(function.invoke(event))
    assert [item["outcome"] for item in retried["instances"]] == ["rebooted"]


def test_missing_credentials_fail_clearly(emulator, make_function):
    emulator.reset(fixture_fleet())
    function = make_function("instance_events", ALIBABA_CLOUD_ACCESS_KEY_ID="", ALIBABA_CLOUD_ACCESS_KEY_SECRET="")
    function.credentials = type(function.credentials)("", "", None)

    report = json.loads(function.invoke(load_event("eventbridge_ecs_running_content.json")))

    [item] = report["instances"]
    assert item["outcome"] == "failed"
    assert item["errorCode"] == "MissingCredentials"
    assert emulator.calls() == []


def test_batch_over_limit_split(emulator, make_function):
    ids = [[f"i-batch{k}{n:014d}" for n in range(600)] for k in range(2)]
    old = 60 * 24 * 30
    emulator.reset({"regions": [], "instances": [instance(i, age_minutes=old) for group in ids for i in group]})
    events = []
    for k, group in enumerate(ids):
        event = load_json("eventbridge_ess_scale_out_success.json")
        event["id"] = f"evt-{k}"
        event["data"]["instanceIds"] = group
        events.append(event)
    function = make_function("instance_events", timeout=120)

    report = json.loads(function.invoke(events))

    assert report["counts"] == {"installed": 1200}
    assert report["rejected"] == []
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 24

"""scheduled_sweep end to end: plain and JSON timer payloads, region limits, dry run."""

from __future__ import annotations

import json

from tests.functions.conftest import load_event, load_json
from tests.installer.helpers import calls_of, instance, mutating_calls

OLD_MISSING = {
    "cn-hangzhou": "i-sweephz000000000001",
    "cn-shanghai": "i-sweepsh000000000001",
    "ap-southeast-1": "i-sweepsg000000000001",
}


def _fleet() -> dict:
    instances = [instance(instance_id, region=region) for region, instance_id in OLD_MISSING.items()]
    instances.append(instance("i-sweeponline00000001", agent="online"))
    return {"regions": [], "instances": instances}


def test_plain_payload_sweeps_configured(emulator, make_function):
    emulator.reset(_fleet())
    function = make_function("scheduled_sweep", SWEEP_REGIONS="cn-hangzhou,cn-shanghai", timeout=60)

    report = json.loads(function.invoke(load_event("timer_plain.json")))

    assert {item["instanceId"]: item["outcome"] for item in report["instances"]} == {
        OLD_MISSING["cn-hangzhou"]: "installed",
        OLD_MISSING["cn-shanghai"]: "installed",
    }
    assert report["counts"]["already_online"] == 1
    assert report["trigger"] == "timer"
    assert report["complete"] is True


def test_default_region_is_own(emulator, make_function):
    emulator.reset(_fleet())
    function = make_function("scheduled_sweep", FC_REGION="ap-southeast-1", timeout=60)

    report = json.loads(function.invoke(load_event("timer_plain.json")))

    assert [item["instanceId"] for item in report["instances"]] == [OLD_MISSING["ap-southeast-1"]]


def test_json_payload_narrows_and_dry_runs(emulator, make_function):
    emulator.reset(_fleet())
    event = load_json("timer_json.json")
    event["payload"] = json.dumps({"regions": ["cn-shanghai"], "dryRun": True})
    function = make_function("scheduled_sweep", SWEEP_REGIONS="cn-hangzhou", timeout=60)

    report = json.loads(function.invoke(event))

    assert [(item["instanceId"], item["outcome"]) for item in report["instances"]] == [
        (OLD_MISSING["cn-shanghai"], "dry_run")
    ]
    assert mutating_calls(emulator) == []


def test_payload_region_outside_allowed(emulator, make_function):
    emulator.reset(_fleet())
    event = load_json("timer_json.json")
    event["payload"] = json.dumps({"regions": ["cn-shanghai", "ap-southeast-1"]})
    function = make_function("scheduled_sweep", ALLOWED_REGIONS="cn-hangzhou,cn-shanghai", timeout=60)

    report = json.loads(function.invoke(event))

    assert [item["instanceId"] for item in report["instances"]] == [OLD_MISSING["cn-shanghai"]]
    assert "ap-southeast-1 is not in ALLOWED_REGIONS" in report["rejected"][0]["reason"]


def test_all_regions_uses_describe_regions(emulator, make_function):
    emulator.reset(_fleet())
    function = make_function("scheduled_sweep", SWEEP_REGIONS="all", timeout=120)

    report = json.loads(function.invoke(load_event("timer_plain.json")))

    assert report["counts"]["installed"] == 3
    assert len(calls_of(emulator, "DescribeRegions")) == 1


def test_garbage_timer_event_still_sweeps(emulator, make_function):
    emulator.reset(_fleet())
    function = make_function("scheduled_sweep", timeout=60)

    report = json.loads(function.invoke(b"\xff not json"))

    assert report["rejected"]
    assert report["counts"]["installed"] == 1

"""The deadline: a sweep with more work than time stops starting batches, reports the rest and returns in time."""

from __future__ import annotations

import json
import random

import pytest

from local.ecs_emulator import generate_fleet
from local.fc_runtime import FcInvocationError
from tests.reliability.helpers import (
    INSTALL_ACTIONS,
    REBOOT_ACTIONS,
    applied_counts,
    new_function,
    new_instances,
    running_event,
    state_by_id,
)

REGIONS = ("cn-hangzhou", "cn-shanghai", "ap-southeast-1")
FUNCTION_TIMEOUT = 6
MARGIN_SECONDS = 3
# Every call is slowed below the 1 s read timeout, so a 600-instance sweep needs far more than 3 s.
LATENCY_MS = 250


@pytest.fixture(scope="module")
def slow_sweep(emulator_server):
    emulator = emulator_server
    emulator.reset(generate_fleet(600, regions=REGIONS, missing_ratio=0.5, seed=4))
    before = state_by_id(emulator)
    emulator.clear_calls()
    emulator.set_faults([{"kind": "latency", "latencyMs": LATENCY_MS}])
    function = new_function("scheduled_sweep", emulator.url, timeout=FUNCTION_TIMEOUT, SWEEP_REGIONS=",".join(REGIONS),
                            DEADLINE_MARGIN_SECONDS=str(MARGIN_SECONDS), REBOOT_POLICY="always", MAX_CONCURRENCY="2")

    report = json.loads(function.invoke({"triggerTime": "2026-01-01T00:00:00Z", "triggerName": "sweep"}))
    emulator.clear_faults()
    function.close()
    return report, before, emulator.calls()


def test_sweep_reports_deferred_rest(slow_sweep):
    report, _, _ = slow_sweep
    deferred = [item for item in report["instances"] if item["outcome"] == "deferred"]

    assert report["complete"] is False
    assert len(deferred) + len(report.get("deferredWork", [])) > 0
    assert [item for item in deferred if not item["reason"].startswith("deadline reached")] == []


def test_sweep_lists_every_started_instance(slow_sweep):
    report, before, _ = slow_sweep
    deferred_regions = {item["regionId"] for item in report.get("deferredWork", [])}
    eligible = {i for i, item in before.items() if item["Status"] == "Running" and item["CloudAssistant"] != "online"}
    listed = {item["instanceId"] for item in report["instances"]}

    unaccounted = [i for i in eligible if i not in listed and before[i]["RegionId"] not in deferred_regions]
    assert unaccounted == []


def test_sweep_returns_within_timeout(slow_sweep):
    report, _, _ = slow_sweep

    # The handler returned, so the local runtime raised no FcTimeoutError. durationMs shows how early.
    assert report["durationMs"] < FUNCTION_TIMEOUT * 1000


def test_sweep_deadline_acts_at_most_once(slow_sweep):
    _, _, calls = slow_sweep

    assert max(applied_counts(calls, INSTALL_ACTIONS).values(), default=0) <= 1
    assert max(applied_counts(calls, REBOOT_ACTIONS).values(), default=0) <= 1


def test_event_deadline_defers_instances(emulator, make_function):
    fleet = new_instances(3, random.Random(8))
    emulator.reset({"instances": fleet})
    # The status call ends after the soft deadline (3 s timeout - 2 s margin), within the read timeout.
    emulator.set_faults([{"kind": "latency", "action": "DescribeCloudAssistantStatus", "latencyMs": 1200}])
    function = make_function("instance_events", timeout=3, DEADLINE_MARGIN_SECONDS="2", ECS_READ_TIMEOUT_SECONDS="2")

    with pytest.raises(FcInvocationError) as raised:
        function.invoke([running_event(item["InstanceId"]) for item in fleet])

    calls = emulator.calls()
    assert raised.value.error_type == "TransientFailureError"
    assert [call["action"] for call in calls if call["action"] in INSTALL_ACTIONS + REBOOT_ACTIONS] == []

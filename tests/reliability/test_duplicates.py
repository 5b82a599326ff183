"""Duplicate deliveries: repeated events, the product's own Running event, and two warm instances at once."""

from __future__ import annotations

import json
import random

import pytest

from tests.reliability.claims import run_concurrent_rounds
from tests.reliability.helpers import (
    INSTALL_ACTIONS,
    MARKER_KEY,
    REBOOT_ACTIONS,
    applied_counts,
    new_instances,
    running_event,
    state_by_id,
)

CONCURRENT_ROUNDS = 20


def _outcomes(result: str) -> dict[str, str]:
    return {item["instanceId"]: item["outcome"] for item in json.loads(result)["instances"]}


@pytest.mark.parametrize("deliveries", [2, 3])
@pytest.mark.parametrize("warm", [True, False], ids=["same-instance", "new-instance"])
def test_repeated_events_act_once(emulator, make_function, deliveries, warm):
    fleet = new_instances(2, random.Random(deliveries))
    emulator.reset({"instances": fleet})
    events = [running_event(item["InstanceId"]) for item in fleet]
    function = make_function("instance_events")

    for _ in range(deliveries):
        for event in events:
            function.invoke(event)
        if not warm:
            function = make_function("instance_events")

    calls = emulator.calls()
    ids = [item["InstanceId"] for item in fleet]
    assert [applied_counts(calls, INSTALL_ACTIONS)[i] for i in ids] == [1, 1]
    assert [applied_counts(calls, REBOOT_ACTIONS)[i] for i in ids] == [1, 1]


def test_array_redelivered_acts_once(emulator, make_function):
    fleet = new_instances(4, random.Random(9))
    emulator.reset({"instances": fleet})
    batch = [running_event(item["InstanceId"]) for item in fleet]

    make_function("instance_events").invoke(batch)
    second = make_function("instance_events").invoke(batch)

    calls = emulator.calls()
    assert set(_outcomes(second).values()).isdisjoint({"installed", "rebooted"})
    assert max(applied_counts(calls, INSTALL_ACTIONS).values()) == 1
    assert max(applied_counts(calls, REBOOT_ACTIONS).values()) == 1


def test_own_running_event_ignored(emulator, make_function):
    (item,) = new_instances(1, random.Random(3))
    emulator.reset({"instances": [item]})
    instance_id = item["InstanceId"]
    first = make_function("instance_events").invoke(running_event(instance_id))
    emulator.settings(transition_seconds=0)
    status = state_by_id(emulator)[instance_id]["Status"]

    # The reboot ends with a new Running event, which ECS gives a new event ID.
    after_reboot = make_function("instance_events").invoke(running_event(instance_id))

    calls = emulator.calls()
    assert _outcomes(first) == {instance_id: "rebooted"}
    assert status == "Running"
    assert _outcomes(after_reboot) == {instance_id: "already_online"}
    assert applied_counts(calls, INSTALL_ACTIONS)[instance_id] == 1
    assert applied_counts(calls, REBOOT_ACTIONS)[instance_id] == 1


def test_running_event_before_heartbeat(emulator, make_function):
    (item,) = new_instances(1, random.Random(4))
    emulator.reset({"instances": [item]})
    instance_id = item["InstanceId"]
    make_function("instance_events").invoke(running_event(instance_id))
    # The agent has not sent its first heartbeat yet: the state after the reboot, with the agent offline.
    rebooted = state_by_id(emulator)[instance_id]
    emulator.reset({"instances": [dict(rebooted, Status="Running", CloudAssistant="installed")]})
    emulator.clear_calls()

    result = make_function("instance_events").invoke(running_event(instance_id))

    calls = emulator.calls()
    assert rebooted["Tags"][MARKER_KEY].startswith("rebooted:")
    assert _outcomes(result) == {instance_id: "awaiting_heartbeat"}
    assert applied_counts(calls, INSTALL_ACTIONS)[instance_id] == 0
    assert applied_counts(calls, REBOOT_ACTIONS)[instance_id] == 0


@pytest.fixture(scope="module")
def concurrent_figures(emulator_server):
    return run_concurrent_rounds(emulator_server, CONCURRENT_ROUNDS, per_round=1)


def test_concurrent_delivery_reboots_once(concurrent_figures):
    assert concurrent_figures.double_rebooted == []


def test_concurrent_delivery_writes_claims(concurrent_figures):
    assert concurrent_figures.claims_written >= concurrent_figures.instances


def test_concurrent_delivery_loses_claims(concurrent_figures):
    # Each instance is claimed by both invocations in most rounds, and one of them backs off.
    assert concurrent_figures.claims_lost > 0


def test_concurrent_delivery_raises_nothing(concurrent_figures):
    assert concurrent_figures.unhandled == []

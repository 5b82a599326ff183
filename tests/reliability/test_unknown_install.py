"""An install whose outcome is unknown: never installed twice, and never reported as confirmed."""

from __future__ import annotations

import json
import random

import pytest

from local.fc_runtime import FcInvocationError
from tests.reliability.helpers import applied_counts, new_instances, running_event, state_by_id

# Longer than the 1 s read timeout, so the client gives up while the emulator still installs.
PAST_READ_TIMEOUT_MS = 1500


def test_failed_readback_blocks_reinstall(emulator, make_function):
    (item,) = new_instances(1, random.Random(1))
    emulator.reset({"instances": [item]})
    function = make_function("instance_events", ECS_MAX_ATTEMPTS="2")
    event = running_event(item["InstanceId"])
    # The install is applied but its response comes too late. Both attempts of the
    # DescribeInstances that reads the instance back are throttled: the first call
    # describes the instance and the second reads back the reboot claim.
    emulator.set_faults([
        {"kind": "latency", "action": "InstallCloudAssistant", "nth": [1], "latencyMs": PAST_READ_TIMEOUT_MS},
        {"kind": "throttle", "action": "DescribeInstances", "nth": [3, 4]},
    ])

    with pytest.raises(FcInvocationError) as first:
        function.invoke(event)
    second = json.loads(function.invoke(event))

    installs = applied_counts(emulator.calls(), ("InstallCloudAssistant",))
    assert first.value.error_type == "TransientFailureError"
    assert installs[item["InstanceId"]] == 1
    assert second["instances"][0]["outcome"] == "rebooted"


def test_unknown_install_flagged_after_reboot(emulator, make_function):
    (item,) = new_instances(1, random.Random(2))
    emulator.reset({"instances": [item]})
    function = make_function("instance_events")
    # The connection is reset before the emulator installs, so the client cannot tell.
    emulator.set_faults([{"kind": "reset_before", "action": "InstallCloudAssistant", "nth": [1]}])

    report = json.loads(function.invoke(running_event(item["InstanceId"])))

    (outcome,) = report["instances"]
    assert outcome["outcome"] == "rebooted"
    assert state_by_id(emulator)[item["InstanceId"]]["CloudAssistant"] == "none"
    assert "outcome was unknown" in outcome["reason"]

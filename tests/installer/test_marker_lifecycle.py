"""The marker tag across invocations: duplicates, our own Running event, grace expiry."""

from __future__ import annotations

import threading

from shared import markers
from shared.installer import ensure_agent
from tests.installer.helpers import (
    MARKER,
    calls_of,
    fast_policy,
    instance,
    make_run,
    minutes_ago,
    outcomes_by_id,
    state_of,
)

NEW = "i-lifecycle0000000001"


def test_duplicate_events_install_once(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})

    first = make_run(emulator, fast_policy(invocation_id="req-1"))
    ensure_agent(first, "cn-hangzhou", [NEW])
    second = make_run(emulator, fast_policy(invocation_id="req-2"))
    ensure_agent(second, "cn-hangzhou", [NEW])
    third = make_run(emulator, fast_policy(invocation_id="req-3"))
    ensure_agent(third, "cn-hangzhou", [NEW])

    # Right after the reboot the instance is Starting, then Running with the agent online.
    settled = ("skipped_not_running", "awaiting_heartbeat", "already_online")
    assert outcomes_by_id(first)[NEW] == "rebooted"
    assert outcomes_by_id(second)[NEW] in settled
    assert outcomes_by_id(third)[NEW] in settled
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1
    assert len(calls_of(emulator, "RebootInstances")) == 1


def test_own_running_event_after_reboot(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    ensure_agent(make_run(emulator, fast_policy(invocation_id="req-1")), "cn-hangzhou", [NEW])
    # One describe completes the reboot in the emulator (Starting -> Running, agent online).
    ensure_agent(make_run(emulator, fast_policy(invocation_id="req-2")), "cn-hangzhou", [NEW])

    after_reboot = make_run(emulator, fast_policy(invocation_id="req-3"))
    ensure_agent(after_reboot, "cn-hangzhou", [NEW])

    assert outcomes_by_id(after_reboot)[NEW] == "already_online"
    assert state_of(emulator, NEW)["CloudAssistant"] == "online"
    assert len(calls_of(emulator, "RebootInstances")) == 1


def test_grace_expiry_installs_again(emulator):
    stale = markers.rebooted_value(minutes_ago(45))
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=50, agent="none", tags={MARKER: stale})]})
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    assert outcomes_by_id(run)[NEW] == "rebooted"
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1


def test_installed_marker_reboot_only(emulator):
    earlier = markers.installed_value(minutes_ago(3))
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=4, agent="installed",
                                                          tags={MARKER: earlier})]})
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    assert outcomes_by_id(run)[NEW] == "rebooted"
    assert calls_of(emulator, "InstallCloudAssistant") == []
    assert len(calls_of(emulator, "RebootInstances")) == 1


def test_foreign_claim_blocks_reboot(emulator):
    claim = markers.claim_value("other-invocation", minutes_ago(1))
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=4, agent="installed",
                                                          tags={MARKER: claim})]})
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    [item] = run.report.outcomes()
    assert item.outcome == "awaiting_heartbeat"
    assert item.retryable is True
    assert calls_of(emulator, "RebootInstances") == []


def test_markers_off_still_installs(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    run = make_run(emulator, fast_policy(marker_key=""))

    ensure_agent(run, "cn-hangzhou", [NEW])

    assert outcomes_by_id(run)[NEW] == "rebooted"
    assert calls_of(emulator, "TagResources") == []
    assert MARKER not in state_of(emulator, NEW)["Tags"]


def test_claim_write_failure_retryable(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    # Every attempt of the claim write is throttled; the marker written after it succeeds.
    emulator.set_faults([{"kind": "throttle", "action": "TagResources", "nth": [1, 2, 3]}])
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    [item] = run.report.outcomes()
    assert item.outcome == "failed"
    assert item.retryable is True
    assert item.error_code == "Throttling.User"
    assert run.report.transient_failures() == [item]
    assert state_of(emulator, NEW)["Tags"][MARKER].startswith("released:")
    assert calls_of(emulator, "InstallCloudAssistant") == []


def test_claim_read_back_failure_retryable(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    # The first DescribeInstances is the initial describe; the read-back's attempts fail.
    emulator.set_faults([{"kind": "unavailable", "action": "DescribeInstances", "nth": [2, 3, 4]}])
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    [item] = run.report.outcomes()
    assert item.outcome == "failed"
    assert item.retryable is True
    assert state_of(emulator, NEW)["Tags"][MARKER].startswith("released:")
    assert calls_of(emulator, "InstallCloudAssistant") == []

    emulator.clear_faults()
    retry = make_run(emulator, fast_policy(invocation_id="req-retry"))
    ensure_agent(retry, "cn-hangzhou", [NEW])
    assert outcomes_by_id(retry)[NEW] == "rebooted"
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1


def test_reboot_only_claim_failure_keeps_install(emulator):
    earlier = markers.installed_value(minutes_ago(3))
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=4, agent="installed",
                                                          tags={MARKER: earlier})]})
    emulator.set_faults([{"kind": "unavailable", "action": "DescribeInstances", "nth": [2, 3, 4]}])
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    [item] = run.report.outcomes()
    assert item.outcome == "failed"
    assert item.retryable is True
    assert state_of(emulator, NEW)["Tags"][MARKER].startswith("installed:")
    assert calls_of(emulator, "RebootInstances") == []


def test_concurrent_duplicates_install_once(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    runs = [make_run(emulator, fast_policy(invocation_id=f"req-{n}", claim_settle_seconds=0.3)) for n in range(2)]
    threads = [threading.Thread(target=ensure_agent, args=(run, "cn-hangzhou", [NEW])) for run in runs]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1
    assert len(calls_of(emulator, "RebootInstances")) == 1
    outcomes = sorted(outcomes_by_id(run)[NEW] for run in runs)
    assert outcomes == ["awaiting_heartbeat", "rebooted"]


def test_claim_replaced_despite_throttling(emulator):
    emulator.reset({"regions": [], "instances": [instance(NEW, age_minutes=2)]})
    # The read-back fails, and so does the first round of attempts to replace the claim.
    emulator.set_faults([
        {"kind": "unavailable", "action": "DescribeInstances", "nth": [2, 3, 4]},
        {"kind": "throttle", "action": "TagResources", "nth": [2, 3, 4]},
    ])
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW])

    assert state_of(emulator, NEW)["Tags"][MARKER].startswith("released:")
    assert len(calls_of(emulator, "TagResources")) == 5

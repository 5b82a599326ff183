"""ensure_agent against the emulator: every outcome, the reboot policies and dry run."""

from __future__ import annotations

from shared import markers
from shared.config import load_config
from shared.ecs import Instance
from shared.installer import ensure_agent, process_instances
from tests.installer.helpers import (
    MARKER,
    calls_of,
    fast_policy,
    instance,
    make_run,
    minutes_ago,
    mutating_calls,
    outcomes_by_id,
    state_of,
)

NEW_MISSING = "i-newmissing000000001"
OLD_MISSING = "i-oldmissing000000001"
ONLINE = "i-online0000000000001"
STOPPED = "i-stopped000000000001"
EXCLUDED = "i-excluded00000000001"
AWAITING_REBOOT = "i-awaitreboot00000001"
AWAITING_HEARTBEAT = "i-awaitbeat000000001"
UNKNOWN = "i-unknown000000000001"


def _fleet():
    recent_reboot = markers.rebooted_value(minutes_ago(5))
    earlier_install = markers.installed_value(minutes_ago(600))
    return {
        "regions": [],
        "instances": [
            instance(NEW_MISSING, age_minutes=5),
            instance(OLD_MISSING),
            instance(ONLINE, agent="online"),
            instance(STOPPED, status="Stopped"),
            instance(EXCLUDED, tags={"skip-agent": "yes"}),
            instance(AWAITING_REBOOT, agent="installed", tags={MARKER: earlier_install}),
            instance(AWAITING_HEARTBEAT, agent="installed", age_minutes=20, tags={MARKER: recent_reboot}),
        ],
    }


def test_every_outcome_once(emulator):
    emulator.reset(_fleet())
    config = load_config({"TAG_EXCLUDE": "skip-agent"})
    run = make_run(emulator, fast_policy(in_scope=config.in_scope))
    ids = [NEW_MISSING, OLD_MISSING, ONLINE, STOPPED, EXCLUDED, AWAITING_REBOOT, AWAITING_HEARTBEAT, UNKNOWN,
           "not-an-id", NEW_MISSING]

    ensure_agent(run, "cn-hangzhou", ids, config)

    got = outcomes_by_id(run)
    assert got[NEW_MISSING] == "rebooted"
    assert got[OLD_MISSING] == "installed"
    assert got[ONLINE] == "already_online"
    assert got[STOPPED] == "skipped_not_running"
    assert got[EXCLUDED] == "skipped_out_of_scope"
    assert got[AWAITING_REBOOT] == "awaiting_reboot"
    assert got[AWAITING_HEARTBEAT] == "awaiting_heartbeat"
    assert got[UNKNOWN] == "not_found"
    assert got["not-an-id"] == "invalid_id"
    assert len(run.report.outcomes()) == 9


def test_install_writes_markers(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [NEW_MISSING, OLD_MISSING])

    assert state_of(emulator, OLD_MISSING)["Tags"][MARKER].startswith("installed:")
    assert state_of(emulator, NEW_MISSING)["Tags"][MARKER].startswith("rebooted:")
    assert state_of(emulator, OLD_MISSING)["CloudAssistant"] == "installed"
    # The new instance is installed after its reboot claim, the old one without a claim.
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 2
    assert len(calls_of(emulator, "RebootInstances")) == 1


def test_nothing_called_for_settled(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [ONLINE, STOPPED, AWAITING_REBOOT, AWAITING_HEARTBEAT])

    assert mutating_calls(emulator) == []


def test_policy_always_reboots_old(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator, fast_policy(reboot="always"))

    ensure_agent(run, "cn-hangzhou", [OLD_MISSING, AWAITING_REBOOT])

    got = outcomes_by_id(run)
    assert got[OLD_MISSING] == "rebooted"
    assert got[AWAITING_REBOOT] == "rebooted"
    assert len(calls_of(emulator, "InstallCloudAssistant")) == 1


def test_policy_never_leaves_new(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator, fast_policy(reboot="never"))

    ensure_agent(run, "cn-hangzhou", [NEW_MISSING])

    assert outcomes_by_id(run)[NEW_MISSING] == "installed"
    assert calls_of(emulator, "RebootInstances") == []


def test_verify_online_polls(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator, fast_policy(verify_online=True))

    ensure_agent(run, "cn-hangzhou", [NEW_MISSING])

    assert outcomes_by_id(run)[NEW_MISSING] == "online"
    assert state_of(emulator, NEW_MISSING)["CloudAssistant"] == "online"


def test_dry_run_changes_nothing(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator, fast_policy(dry_run=True))

    ensure_agent(run, "cn-hangzhou", [NEW_MISSING, OLD_MISSING, ONLINE])

    got = outcomes_by_id(run)
    assert got[NEW_MISSING] == "dry_run"
    assert got[OLD_MISSING] == "dry_run"
    assert got[ONLINE] == "already_online"
    assert mutating_calls(emulator) == []


def test_too_many_ids_rejected_whole(emulator):
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [f"i-{n:020d}" for n in range(1001)])

    assert run.report.outcomes() == []
    assert "at most 1000" in run.report.to_dict()["rejected"][0]["reason"]
    assert emulator.calls() == []


def test_invalid_region_never_called(emulator):
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou&Action=RebootInstances", [OLD_MISSING])

    assert [item.outcome for item in run.report.outcomes()] == ["invalid_id"]
    assert emulator.calls() == []


def test_unknown_region_fails_with_code(emulator):
    run = make_run(emulator)

    ensure_agent(run, "xx-nowhere-1", [OLD_MISSING])

    [item] = run.report.outcomes()
    assert item.outcome == "failed"
    assert item.error_code == "InvalidRegionId.NotFound"
    assert item.retryable is False


def test_server_errors_fail_retryable(emulator):
    emulator.reset(_fleet())
    emulator.set_faults([{"kind": "internal_error", "action": "InstallCloudAssistant", "rate": 1.0, "seed": 1}])
    run = make_run(emulator)

    ensure_agent(run, "cn-hangzhou", [OLD_MISSING])

    [item] = run.report.outcomes()
    assert item.outcome == "failed"
    assert item.error_code == "InternalError"
    assert item.retryable is True
    assert not run.report.complete


def test_deadline_defers(emulator):
    emulator.reset(_fleet())
    run = make_run(emulator, seconds=0.5)

    ensure_agent(run, "cn-hangzhou", [OLD_MISSING, NEW_MISSING])

    assert set(outcomes_by_id(run).values()) == {"deferred"}
    assert mutating_calls(emulator) == []


def _described(instance_id: str, status: str = "Running") -> Instance:
    created = minutes_ago(60 * 24 * 30)
    return Instance(instance_id=instance_id, region_id="cn-hangzhou", status=status, os_type="linux",
                    instance_name=instance_id, creation_time=created, start_time=created, tags={})


def test_split_on_released_instance(emulator):
    emulator.reset({"regions": [], "instances": [instance(f"i-splitcase0000000{n:03d}") for n in range(7)]})
    ids = [f"i-splitcase0000000{n:03d}" for n in range(7)]
    released = "i-released0000000001"
    run = make_run(emulator)

    process_instances(run, "cn-hangzhou", [_described(item) for item in ids[:3]] + [_described(released)]
                      + [_described(item) for item in ids[3:]])

    got = outcomes_by_id(run)
    assert got[released] == "not_found"
    assert all(got[item] == "installed" for item in ids)
    for item in ids:
        assert state_of(emulator, item)["CloudAssistant"] == "installed"


def test_split_on_stopped_instance(emulator):
    stopped = "i-stoppedlate00000001"
    others = [f"i-splitstop000000{n:04d}" for n in range(4)]
    emulator.reset({"regions": [], "instances": [instance(stopped, status="Stopped")] + [instance(i) for i in others]})
    run = make_run(emulator)

    process_instances(run, "cn-hangzhou", [_described(stopped)] + [_described(item) for item in others])

    got = outcomes_by_id(run)
    assert got[stopped] == "skipped_not_running"
    assert all(got[item] == "installed" for item in others)

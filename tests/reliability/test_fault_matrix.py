"""The fault matrix at CI size: a sweep and an event burst under throttling, 5xx, resets and latency.

scripts/fault_matrix.py runs the same cases at full size and prints the figures.
"""

from __future__ import annotations

import pytest

from tests.reliability.leaks import find_leaks
from tests.reliability.matrix import run_events_case, run_sweep_case

SWEEP_SIZE = 300
EVENT_COUNT = 24


@pytest.fixture(scope="module", params=[True, False], ids=["retry-after", "no-retry-after"])
def sweep_result(request, emulator_server):
    return run_sweep_case(emulator_server, SWEEP_SIZE, retry_after=request.param, seed=8)


@pytest.fixture(scope="module", params=[True, False], ids=["retry-after", "no-retry-after"])
def events_result(request, emulator_server):
    return run_events_case(emulator_server, EVENT_COUNT, retry_after=request.param, seed=8)


@pytest.mark.parametrize("kind", ["throttle", "unavailable", "dispatch_error", "reset_before", "reset_after"])
def test_sweep_faults_injected(sweep_result, kind):
    assert sweep_result.faults[kind] > 0


def test_sweep_loses_no_instance(sweep_result):
    assert sweep_result.lost == []


def test_sweep_one_outcome_each(sweep_result):
    assert sweep_result.duplicate_outcomes == []


def test_sweep_never_installs_twice(sweep_result):
    assert sweep_result.double_installed == []


def test_sweep_never_reboots_twice(sweep_result):
    assert sweep_result.double_rebooted == []


def test_sweep_end_states_allowed(sweep_result):
    assert sweep_result.unexpected == []


def test_sweep_returns_before_timeout(sweep_result):
    assert sweep_result.timed_out == 0
    assert sweep_result.unhandled == []


def test_sweep_logs_leak_nothing(sweep_result):
    assert find_leaks("\n".join(sweep_result.log_lines)) == []


@pytest.mark.parametrize("kind", ["throttle", "unavailable", "dispatch_error", "reset_before", "reset_after"])
def test_events_faults_injected(events_result, kind):
    assert events_result.faults[kind] > 0


def test_events_lose_no_instance(events_result):
    assert events_result.lost == []


def test_events_one_outcome_each(events_result):
    assert events_result.duplicate_outcomes == []


def test_events_never_install_twice(events_result):
    assert events_result.double_installed == []


def test_events_never_reboot_twice(events_result):
    assert events_result.double_rebooted == []


def test_events_end_states_allowed(events_result):
    assert events_result.unexpected == []


def test_events_only_transient_errors(events_result):
    assert events_result.timed_out == 0
    assert events_result.unhandled == []


def test_events_logs_leak_nothing(events_result):
    assert find_leaks("\n".join(events_result.log_lines)) == []

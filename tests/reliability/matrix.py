"""The fault matrix: a sweep and an event burst under injected ECS faults, checked against the emulator.

Each case resets the emulator, injects the faults, runs the real handler in the local
FC runtime and then checks the invariants against the emulator's call log and state:

- every instance has exactly one outcome in each report that names it;
- no instance gets a second applied InstallCloudAssistant, and none a second reboot;
- every eligible instance ends `installed`, `rebooted` or `online`, or is reported
  `deferred` (by name or through its region's deferred work) or `failed` with an
  error code;
- no invocation runs past its function timeout.

tests/reliability/test_fault_matrix.py runs it small; scripts/fault_matrix.py runs it
at full size and prints the figures.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from local.ecs_emulator import generate_fleet
from local.fc_runtime import FcError, FcTimeoutError
from tests.reliability.helpers import (
    INSTALL_ACTIONS,
    REBOOT_ACTIONS,
    applied_counts,
    captured_stdout,
    injected_faults,
    log_events,
    new_function,
    new_instances,
    running_event,
    state_by_id,
)

REGIONS = ("cn-hangzhou", "cn-shanghai")
GOOD_OUTCOMES = frozenset({"installed", "rebooted", "online"})
# FC retries an asynchronous invocation that raised up to 3 times.
MAX_DELIVERIES = 4
READ_TIMEOUT_SECONDS = 1.0


def fault_specs(retry_after: bool, seed: int, latency_rate: float = 0.02) -> list[dict[str, Any]]:
    """Return the matrix's faults on every action: the first terminal fault drawn decides a call.

    Throttling is drawn first at 30%, so the later kinds hit a share of the rest.
    The latency spike adds READ_TIMEOUT_SECONDS plus half a second to a call, so the
    client's read times out while the emulator still carries the call out.
    """
    throttle: dict[str, Any] = {"kind": "throttle", "rate": 0.30, "seed": seed}
    if retry_after:
        throttle["retryAfterMs"] = 100
    else:
        throttle["code"] = "Throttling.Api"
    return [
        throttle,
        {"kind": "unavailable", "rate": 0.10, "seed": seed + 1},
        {"kind": "dispatch_error", "rate": 0.05, "seed": seed + 2},
        {"kind": "reset_before", "rate": 0.05, "seed": seed + 3},
        {"kind": "reset_after", "rate": 0.05, "seed": seed + 4},
        {"kind": "latency", "rate": latency_rate, "latencyMs": int(READ_TIMEOUT_SECONDS * 1000) + 500,
         "seed": seed + 5},
    ]


@dataclass
class CaseResult:
    """Figures and invariant violations of one case of the matrix."""

    name: str
    instances: int = 0
    eligible: int = 0
    invocations: int = 0
    deliveries: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    double_installed: list[str] = field(default_factory=list)
    double_rebooted: list[str] = field(default_factory=list)
    duplicate_outcomes: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    rebooted_once: set[str] = field(default_factory=set)
    # Outcomes of instances whose install call's outcome was unknown, so the agent may be missing.
    unconfirmed: int = 0
    timed_out: int = 0
    unhandled: list[str] = field(default_factory=list)
    duration_seconds: float = 0.0
    max_invocation_seconds: float = 0.0
    function_timeout_seconds: float = 0.0
    log_lines: list[str] = field(default_factory=list, repr=False)

    @property
    def violations(self) -> list[str]:
        """Return one line per broken invariant, empty when every invariant holds."""
        found = []
        for label, items in (("lost", self.lost), ("installed twice", self.double_installed),
                             ("rebooted twice", self.double_rebooted),
                             ("more than one outcome", self.duplicate_outcomes),
                             ("unexpected end state", self.unexpected), ("unhandled error", self.unhandled)):
            if items:
                found.append(f"{self.name}: {len(items)} {label}: {items[:5]}")
        if self.timed_out:
            found.append(f"{self.name}: {self.timed_out} invocations ran past the function timeout")
        return found


def _check_calls(result: CaseResult, calls: list[dict[str, Any]]) -> None:
    result.faults = injected_faults(calls)
    result.calls = Counter(call["action"] for call in calls)
    installs = applied_counts(calls, INSTALL_ACTIONS)
    reboots = applied_counts(calls, REBOOT_ACTIONS)
    result.double_installed = sorted(i for i, count in installs.items() if count > 1)
    result.double_rebooted = sorted(i for i, count in reboots.items() if count > 1)
    result.rebooted_once = {i for i, count in reboots.items() if count == 1}


def _check_end_state(result: CaseResult, eligible: set[str], final: dict[str, dict[str, Any]],
                     deferred_regions: set[str], state: dict[str, dict[str, Any]], unknown_installs: set[str]) -> None:
    """Classify each eligible instance by its last outcome and compare it with the emulator state.

    An instance in `unknown_installs` had an install call whose outcome was unknown, which
    the product takes as done without repeating it. Such an instance may end `rebooted`
    without the agent, and the sweep installs again after MARKER_GRACE_MINUTES.
    """
    for instance_id in sorted(eligible):
        outcome = final.get(instance_id)
        region = state[instance_id]["RegionId"]
        if outcome is None:
            if region in deferred_regions:
                result.outcomes["deferred (region work)"] += 1
            else:
                result.lost.append(instance_id)
            continue

        name = outcome["outcome"]
        result.outcomes[name] += 1
        agent = state[instance_id]["CloudAssistant"]
        unknown_install = instance_id in unknown_installs
        result.unconfirmed += unknown_install
        if name in GOOD_OUTCOMES and agent == "none" and not unknown_install:
            result.unexpected.append(f"{instance_id} reported {name} but its agent is not installed")
        elif name == "failed" and not outcome.get("errorCode"):
            result.unexpected.append(f"{instance_id} failed without an error code")
        elif name == "awaiting_heartbeat" and instance_id in result.rebooted_once and agent != "none":
            # A later delivery found the instance rebooted by an earlier one and waiting for its agent.
            continue
        elif name == "awaiting_heartbeat" and outcome.get("retryable"):
            # Waiting on another invocation's claim, reported as retryable: the claim expires after
            # Policy.claim_timeout and a later run installs.
            result.outcomes["awaiting a claim (retryable)"] += 1
            continue
        elif name not in GOOD_OUTCOMES and name not in ("deferred", "failed"):
            result.unexpected.append(f"{instance_id} ended {name}: {outcome.get('reason')}")


def _unknown_installs(events: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for event in events:
        if event.get("event") == "install_outcome_unknown":
            found.update(event.get("instanceIds") or [])
    return found


def _duplicate_log_lines(events: list[dict[str, Any]]) -> list[str]:
    return [f"{event.get('instanceId')} ({event.get('ignored')})" for event in events
            if event.get("event") == "outcome_duplicate_ignored"]


def run_sweep_case(emulator, size: int, retry_after: bool, seed: int = 7, timeout: float = 300.0,
                   max_concurrency: int = 8) -> CaseResult:
    """Sweep a generated fleet of `size` instances once under the matrix's faults."""
    result = CaseResult(f"sweep size={size} retry-after={'yes' if retry_after else 'no'}")
    emulator.reset(generate_fleet(size, regions=REGIONS, missing_ratio=0.3, seed=seed))
    emulator.clear_calls()
    before = state_by_id(emulator)
    eligible = {i for i, item in before.items() if item["Status"] == "Running" and item["CloudAssistant"] != "online"}
    result.instances, result.eligible = len(before), len(eligible)

    function = new_function("scheduled_sweep", emulator.url, timeout=timeout, SWEEP_REGIONS=",".join(REGIONS),
                            REBOOT_POLICY="always", MAX_CONCURRENCY=str(max_concurrency),
                            ECS_MAX_ATTEMPTS="5", DEADLINE_MARGIN_SECONDS="10",
                            ECS_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT_SECONDS))
    emulator.set_faults(fault_specs(retry_after, seed))
    started = time.monotonic()
    report: dict[str, Any] = {}
    with captured_stdout() as lines:
        try:
            report = json.loads(function.invoke({"triggerTime": "2026-01-01T00:00:00Z", "triggerName": "sweep",
                                                 "payload": ""}))
        except FcTimeoutError:
            result.timed_out += 1
        except FcError as error:
            result.unhandled.append(f"{error.error_type}: {error.error_message}")
    result.duration_seconds = result.max_invocation_seconds = time.monotonic() - started
    emulator.clear_faults()
    function.close()

    result.invocations = result.deliveries = 1
    result.function_timeout_seconds = timeout
    result.log_lines = list(lines)
    listed = report.get("instances", [])
    keys = Counter((item["regionId"], item["instanceId"]) for item in listed)
    result.duplicate_outcomes = [f"{key[1]}" for key, count in keys.items() if count > 1]
    log = log_events(lines)
    result.duplicate_outcomes += _duplicate_log_lines(log)
    final = {item["instanceId"]: item for item in listed}
    deferred_regions = {item["regionId"] for item in report.get("deferredWork", [])}
    _check_calls(result, emulator.calls())
    _check_end_state(result, eligible, final, deferred_regions, state_by_id(emulator), _unknown_installs(log))
    return result


def _outcomes_from_logs(events: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [event for event in events if event.get("event") == "instance_outcome"
            and event.get("requestId") == request_id]


def run_events_case(emulator, size: int, retry_after: bool, seed: int = 11, timeout: float = 120.0,
                    concurrency: int = 8) -> CaseResult:
    """Deliver one Running event per new instance under the matrix's faults, redelivering as FC does.

    An invocation that raises TransientFailureError is delivered again, at most
    MAX_DELIVERIES times in all. Its outcomes are read from its log lines, because a
    raising handler returns no report.
    """
    result = CaseResult(f"events size={size} retry-after={'yes' if retry_after else 'no'}")
    rng = random.Random(seed)
    fleet = new_instances(size, rng, REGIONS[0])
    emulator.reset({"regions": [], "instances": fleet})
    emulator.clear_calls()
    eligible = {item["InstanceId"] for item in fleet}
    result.instances = result.eligible = len(eligible)

    function = new_function("instance_events", emulator.url, timeout=timeout, REBOOT_POLICY="new-instances",
                            ECS_MAX_ATTEMPTS="5", ECS_READ_TIMEOUT_SECONDS=str(READ_TIMEOUT_SECONDS),
                            DEADLINE_MARGIN_SECONDS="5")
    emulator.set_faults(fault_specs(retry_after, seed))
    events = [running_event(instance_id) for instance_id in sorted(eligible)]
    durations: list[float] = []

    def deliver(event: dict[str, Any]) -> list[tuple[str, str]]:
        """Deliver until the handler returns; return (request ID, status) per delivery."""
        deliveries = []
        for attempt in range(1, MAX_DELIVERIES + 1):
            request_id = f"{event['id']}-{attempt}"
            begun = time.monotonic()
            try:
                function.invoke(event, request_id=request_id)
                status = "ok"
            except FcTimeoutError:
                status = "timeout"
            except FcError as error:
                status = "retry" if error.error_type == "TransientFailureError" else f"{error.error_type}: " \
                    f"{error.error_message}"
            durations.append(time.monotonic() - begun)
            deliveries.append((request_id, status))
            if status != "retry":
                break
        return deliveries

    started = time.monotonic()
    with captured_stdout() as lines, ThreadPoolExecutor(max_workers=concurrency) as pool:
        per_event = list(pool.map(deliver, events))
    result.duration_seconds = time.monotonic() - started
    result.max_invocation_seconds = max(durations, default=0.0)
    result.function_timeout_seconds = timeout
    emulator.clear_faults()
    function.close()

    result.log_lines = list(lines)
    log = log_events(lines)
    result.duplicate_outcomes = _duplicate_log_lines(log)
    final: dict[str, dict[str, Any]] = {}
    for event, deliveries in zip(events, per_event, strict=True):
        instance_id = event["data"]["content"]["resourceId"]
        result.invocations += 1
        result.deliveries += len(deliveries)
        for request_id, status in deliveries:
            if status == "timeout":
                result.timed_out += 1
            elif status not in ("ok", "retry"):
                result.unhandled.append(f"{instance_id}: {status}")
            outcomes = [item for item in _outcomes_from_logs(log, request_id) if item["instanceId"] == instance_id]
            if len(outcomes) > 1:
                result.duplicate_outcomes.append(f"{instance_id} in {request_id}")
            # Events for one instance can run at once, so the last outcome is the latest logged one.
            if outcomes and outcomes[-1].get("timestamp", "") >= final.get(instance_id, {}).get("timestamp", ""):
                final[instance_id] = outcomes[-1]
    _check_calls(result, emulator.calls())
    _check_end_state(result, eligible, final, set(), state_by_id(emulator), _unknown_installs(log))
    return result


def format_result(result: CaseResult) -> str:
    """Return the case's figures as indented text lines."""
    faults = ", ".join(f"{kind} {count}" for kind, count in sorted(result.faults.items())) or "none"
    outcomes = ", ".join(f"{name} {count}" for name, count in sorted(result.outcomes.items())) or "none"
    lines = [
        result.name,
        f"  instances {result.instances}, eligible {result.eligible}, invocations {result.invocations}, "
        f"deliveries {result.deliveries}",
        f"  API calls {sum(result.calls.values())}; faults injected: {faults}",
        f"  outcomes of eligible instances: {outcomes} ({result.unconfirmed} after an install call of unknown outcome)",
        f"  lost {len(result.lost)}, double-installed {len(result.double_installed)}, "
        f"double-rebooted {len(result.double_rebooted)}, duplicate outcomes {len(result.duplicate_outcomes)}, "
        f"unexpected {len(result.unexpected)}, unhandled {len(result.unhandled)}, timed out {result.timed_out}",
        f"  duration {result.duration_seconds:.1f} s; longest invocation {result.max_invocation_seconds:.1f} s "
        f"of a {result.function_timeout_seconds:g} s function timeout",
    ]
    return "\n".join(lines)

"""Bursts: many new instances at once through `instance_events`, against a rate-limited emulator."""

from __future__ import annotations

import contextlib
import math
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.cold_start import new_instance, running_event
from bench.common import EmulatorProcess, count_actions, handler_environment
from local.fc_runtime import FcError, FcInstance

FC_INSTANCES = 4
CONCURRENCY_PER_INSTANCE = 5
QPS_LIMIT = 20
STREAM_BATCH = 100
# FC retries a failed asynchronous invocation a bounded number of times, so the rounds are capped too.
MAX_DELIVERY_ROUNDS = 20
TARGET_CALLS_PER_INSTANCE = 6
# InstallCloudAssistant takes 50 instance IDs, so 1,000 instances need at least 20 calls.
INSTALL_BATCH = 50


def burst_instance_ids(count: int) -> list[str]:
    return [f"i-burst{index:015d}" for index in range(count)]


def _deliver(instances: list[FcInstance], events: list[Any]) -> tuple[int, int, Counter, int]:
    """Deliver every event, redelivering failed invocations as FC would, until none fails or the rounds run out.

    Returns the rounds, the redeliveries, the error types of the failed invocations and
    the number of events that still failed after MAX_DELIVERY_ROUNDS.
    """
    pending = list(events)
    rounds = 0
    redeliveries = 0
    errors: Counter = Counter()
    while pending and rounds < MAX_DELIVERY_ROUNDS:
        if rounds:
            redeliveries += len(pending)
        shares = [pending[index::len(instances)] for index in range(len(instances))]
        with ThreadPoolExecutor(len(instances)) as pool:
            results = list(pool.map(lambda pair: pair[0].invoke_many(pair[1], CONCURRENCY_PER_INSTANCE),
                                    zip(instances, shares, strict=True)))

        pending = []
        for share, outcomes in zip(shares, results, strict=True):
            for event, outcome in zip(share, outcomes, strict=True):
                if isinstance(outcome, FcError):
                    errors[str(outcome).split(":", 1)[0][:80]] += 1
                    pending.append(event)
        rounds += 1
    return rounds, redeliveries, errors, len(pending)


def _settled_state(emulator: EmulatorProcess, instance_ids: list[str], rebooted: set[str]) -> dict[str, Any]:
    """Count the instances by agent and marker state, and list those left without the agent.

    `not_rebooted_markers` counts the marker states of the instances never rebooted.
    """
    by_id = {item["InstanceId"]: item for item in emulator.state()["instances"]}
    agents: Counter = Counter()
    markers: Counter = Counter()
    not_rebooted: Counter = Counter()
    lost = []
    for instance_id in instance_ids:
        item = by_id[instance_id]
        agents[item["CloudAssistant"]] += 1
        marker = (item.get("Tags") or {}).get("cloud-assistant-autoinstall", "")
        marker_state = marker.split(":", 1)[0] or "none"
        markers[marker_state] += 1
        if instance_id not in rebooted:
            not_rebooted[marker_state] += 1
        if item["CloudAssistant"] == "none":
            lost.append(instance_id)
    return {"agent_states": dict(agents), "marker_states": dict(markers),
            "not_rebooted_markers": dict(not_rebooted), "lost": lost}


def run_burst(count: int, streaming: bool) -> dict[str, Any]:
    """Deliver `count` new Running instances as single events, or as arrays of STREAM_BATCH."""
    instance_ids = burst_instance_ids(count)
    single_events = [running_event(instance_id) for instance_id in instance_ids]
    events: list[Any] = single_events
    if streaming:
        events = [single_events[start:start + STREAM_BATCH] for start in range(0, count, STREAM_BATCH)]

    with EmulatorProcess() as emulator, tempfile.TemporaryFile("w+") as log_file:
        emulator.reset({"instances": [new_instance(instance_id) for instance_id in instance_ids]})
        emulator.set_faults([{"kind": "qps", "action": "*", "limit": QPS_LIMIT}])
        emulator.clear_calls()
        instances = [FcInstance("instance_events", environment=handler_environment(emulator.url))
                     for _ in range(FC_INSTANCES)]

        started = time.time()
        with contextlib.redirect_stdout(log_file):
            rounds, redeliveries, errors, undelivered = _deliver(instances, events)
        finished = time.time()

        calls = emulator.calls()
        accepted = [call for call in calls if call["status"] == 200]
        installs = [call for call in accepted if call["action"] == "InstallCloudAssistant"]
        reboots: Counter = Counter(value for call in accepted if call["action"] == "RebootInstances"
                                   for name, value in call["params"].items() if name.startswith("InstanceId."))
        state = _settled_state(emulator, instance_ids, set(reboots))
        for instance in instances:
            instance.close()

    return {
        "instances": count,
        "invocations": len(events),
        "streaming_batch": STREAM_BATCH if streaming else 1,
        "fc_instances": FC_INSTANCES,
        "concurrency_per_instance": CONCURRENCY_PER_INSTANCE,
        "qps_limit_per_action": QPS_LIMIT,
        "seconds_total": round(finished - started, 2),
        "seconds_until_all_installed": round(max(call["time"] for call in installs) - started, 2) if installs else None,
        "delivery_rounds": rounds,
        "redeliveries": redeliveries,
        "events_failing_after_last_round": undelivered,
        "failed_invocation_errors": dict(errors),
        "calls_attempted": count_actions(calls),
        "calls_accepted": count_actions(accepted),
        "throttled_calls": sum(1 for call in calls if str(call["code"] or "").startswith("Throttling")),
        "other_failed_calls": sum(1 for call in calls if call["status"] != 200
                                  and not str(call["code"] or "").startswith("Throttling")),
        "accepted_calls_per_instance": round(len(accepted) / count, 3),
        "attempted_calls_per_instance": round(len(calls) / count, 3),
        "install_calls_accepted": len(installs),
        "instances_rebooted_twice": sum(1 for times in reboots.values() if times > 1),
        "instances_rebooted": len(reboots),
        "state": state,
    }


def measure_bursts(count: int) -> dict[str, Any]:
    single = run_burst(count, streaming=False)
    stream = run_burst(count, streaming=True)
    return {
        "target_calls_per_instance": TARGET_CALLS_PER_INSTANCE,
        "target_streaming_install_calls": math.ceil(count / INSTALL_BATCH),
        "single_events": single,
        "streaming": stream,
    }

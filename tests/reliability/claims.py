"""Concurrent delivery of the same events to two warm instances, and the reboot claim window it measures."""

from __future__ import annotations

import random
import statistics
import threading
from collections import Counter
from dataclasses import dataclass, field

from local.fc_runtime import FcError
from tests.reliability.helpers import (
    INSTALL_ACTIONS,
    REBOOT_ACTIONS,
    applied_counts,
    captured_stdout,
    log_events,
    new_function,
    new_instances,
    running_event,
)
from tests.reliability.tap import Tap, TapServer

CLAIM_PREFIX = "rebooting:"


@dataclass
class ClaimFigures:
    """What concurrent rounds did: reboots and installs per instance, claims written and lost."""

    rounds: int = 0
    instances: int = 0
    double_rebooted: list[str] = field(default_factory=list)
    double_installed: list[str] = field(default_factory=list)
    claims_written: int = 0
    claims_lost: int = 0
    # Seconds from sending the claim's TagResources to receiving the read-back DescribeInstances.
    windows: list[float] = field(default_factory=list)
    unhandled: list[str] = field(default_factory=list)
    redeliveries: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def window_summary(self) -> str:
        if not self.windows:
            return "no claim was written"
        ordered = sorted(self.windows)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return (f"{len(ordered)} claims: min {ordered[0] * 1000:.0f} ms, median "
                f"{statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")


def claim_windows(tap: Tap) -> list[float]:
    """Return, per claim this relay carried, the time from its write to the end of the next DescribeInstances."""
    windows = []
    calls = sorted(tap.calls, key=lambda call: call.started)
    for index, call in enumerate(calls):
        if call.action != "TagResources" or not call.params.get("Tag.1.Value", "").startswith(CLAIM_PREFIX):
            continue
        for later in calls[index + 1:]:
            if later.action == "DescribeInstances":
                windows.append(later.ended - call.started)
                break
    return windows


def run_concurrent_rounds(emulator, rounds: int, per_round: int = 3, seed: int = 1) -> ClaimFigures:
    """Deliver the same events to two warm instances at once, `rounds` times, each round on new instances."""
    figures = ClaimFigures(rounds=rounds)
    rng = random.Random(seed)
    with TapServer(emulator.url) as tap_a, TapServer(emulator.url) as tap_b:
        functions = [new_function("instance_events", tap.url, REBOOT_POLICY="new-instances") for tap in (tap_a, tap_b)]
        for _ in range(rounds):
            fleet = new_instances(per_round, rng)
            emulator.reset({"instances": fleet})
            emulator.clear_calls()
            events = [running_event(item["InstanceId"]) for item in fleet]
            figures.instances += per_round
            _deliver_at_once(functions, events, figures)

            calls = emulator.calls()
            figures.double_rebooted += [i for i, n in applied_counts(calls, REBOOT_ACTIONS).items() if n > 1]
            figures.double_installed += [i for i, n in applied_counts(calls, INSTALL_ACTIONS).items() if n > 1]
        for function in functions:
            function.close()
        figures.windows = claim_windows(tap_a) + claim_windows(tap_b)
        figures.claims_written = len(figures.windows)
    return figures


def _deliver_at_once(functions, events, figures: ClaimFigures) -> None:
    start = threading.Barrier(len(functions))

    def deliver(function) -> None:
        start.wait()
        for event in events:
            # The invocation that loses the claim may ask for a redelivery; FC retries it up to 3 times.
            for _attempt in range(4):
                try:
                    function.invoke(event)
                    break
                except FcError as error:
                    if error.error_type != "TransientFailureError":
                        figures.unhandled.append(f"{error.error_type}: {error.error_message}")
                        break
                    figures.redeliveries += 1

    with captured_stdout() as lines:
        threads = [threading.Thread(target=deliver, args=(function,)) for function in functions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for event in log_events(lines):
        if event.get("event") == "reboot_claim_lost":
            figures.claims_lost += 1
        if event.get("event") == "instance_outcome":
            figures.outcomes[event["outcome"]] += 1

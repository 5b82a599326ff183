"""Sweep benchmarks: API calls per sweep against the lower bound, wall time at 30 ms per call, memory."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from bench.common import PYTHON, REGION, EmulatorProcess, count_actions, handler_environment, run_child

MISSING_RATIO = 0.25
LATENCY_MS = 30
TARGET_CALL_RATIO = 1.0
TARGET_PEAK_RSS_MIB = 128
FC_TIMEOUT_SECONDS = 600


def _instance_ids(call: dict) -> list[str]:
    return [value for name, value in call["params"].items() if name.startswith("InstanceId.")]


def lower_bound(running: int, missing: int, rebooted: int) -> dict[str, int]:
    """Return the fewest calls per action for a sweep of one region, with full batches everywhere.

    DescribeInstances pages hold 100, DescribeCloudAssistantStatus, InstallCloudAssistant
    and TagResources take 50 IDs and RebootInstances 100. Each installed instance needs
    one marker write, and each rebooted one also its claim.
    """
    bound = {
        "DescribeInstances": math.ceil(running / 100),
        "DescribeCloudAssistantStatus": math.ceil(running / 50),
        "InstallCloudAssistant": math.ceil(missing / 50),
        "TagResources": math.ceil(missing / 50) + math.ceil(rebooted / 50),
    }
    if rebooted:
        bound["RebootInstances"] = math.ceil(rebooted / 100)
    return bound


def run_sweep(size: int, concurrency: int, latency_ms: int | None = None, seed: int = 0) -> dict[str, Any]:
    """Sweep a generated one-region fleet once in a child process and return what was measured."""
    with EmulatorProcess(generate=size, regions=(REGION,), missing_ratio=MISSING_RATIO, seed=seed) as emulator, \
            tempfile.TemporaryDirectory() as folder:
        if latency_ms:
            emulator.set_faults([{"kind": "latency", "action": "*", "rate": 1.0, "latencyMs": latency_ms}])
        emulator.clear_calls()
        output = Path(folder) / "sweep.json"
        environment = handler_environment(emulator.url, SWEEP_REGIONS=REGION, MAX_CONCURRENCY=str(concurrency))
        child = run_child([PYTHON, "-m", "bench.sweep_child", str(output)], environment)
        summary = json.loads(output.read_text(encoding="utf-8"))
        calls = emulator.calls()

    installed_ids = {value for call in calls if call["action"] == "InstallCloudAssistant" and call["status"] == 200
                     for value in _instance_ids(call)}
    rebooted_ids = {value for call in calls if call["action"] == "RebootInstances" and call["status"] == 200
                    for value in _instance_ids(call)}
    running = sum(summary["counts"].values())
    return {
        "fleet_size": size,
        "max_concurrency": concurrency,
        "latency_ms": latency_ms or 0,
        "wall_seconds": round(summary["wall_seconds"], 3),
        "complete": summary["complete"],
        "deferred_work": summary["deferred_work"],
        "outcomes": summary["counts"],
        "running": running,
        "missing": len(installed_ids),
        "rebooted": len(rebooted_ids),
        "calls": count_actions(calls),
        "failed_calls": sum(1 for call in calls if call["status"] != 200),
        "client_counted_calls": summary["api_calls"],
        "peak_rss_mib": round(summary["peak_rss_kib"] / 1024, 1),
        "ru_maxrss_mib": round(child["max_rss_kib"] / 1024, 1),
    }


def call_counts(sizes: tuple[int, ...]) -> dict[str, Any]:
    """Measure API calls per sweep at each fleet size, with no latency, against the lower bound."""
    rows = []
    for size in sizes:
        sweep = run_sweep(size, concurrency=4)
        bound = lower_bound(sweep["running"], sweep["missing"], sweep["rebooted"])
        measured_total = sum(sweep["calls"].values())
        bound_total = sum(bound.values())
        sweep["lower_bound"] = bound
        sweep["ratio_by_action"] = {action: round(sweep["calls"].get(action, 0) / count, 3)
                                    for action, count in bound.items() if count}
        sweep["ratio_total"] = round(measured_total / bound_total, 3) if bound_total else None
        rows.append(sweep)
    return {"missing_ratio": MISSING_RATIO, "region": REGION, "target_ratio": TARGET_CALL_RATIO, "sweeps": rows}


def wall_time(large_size: int, small_size: int) -> dict[str, Any]:
    """Measure sweeps at LATENCY_MS per call: the large fleet at concurrency 4, the small one at 4 and 1.

    The concurrency-1 time of the large fleet is extrapolated linearly from the small
    fleet and labelled as an estimate.
    """
    runs = [run_sweep(large_size, 4, LATENCY_MS), run_sweep(small_size, 4, LATENCY_MS),
            run_sweep(small_size, 1, LATENCY_MS)]
    for run in runs:
        run["instances_per_second"] = round(run["fleet_size"] / run["wall_seconds"], 1)
        run["running_per_second"] = round(run["running"] / run["wall_seconds"], 1)

    large = runs[0]
    serial = runs[2]
    serial_estimate = serial["wall_seconds"] * large_size / small_size
    return {
        "latency_ms": LATENCY_MS,
        "fc_timeout_seconds": FC_TIMEOUT_SECONDS,
        "runs": runs,
        "large_fleet": large_size,
        "large_concurrency_4_seconds": large["wall_seconds"],
        "large_concurrency_4_timeout_margin": round(FC_TIMEOUT_SECONDS / large["wall_seconds"], 2),
        "large_concurrency_1_seconds_estimate": round(serial_estimate, 1),
        "large_concurrency_1_fits_timeout_estimate": serial_estimate < FC_TIMEOUT_SECONDS,
    }


def memory(sweeps: list[dict[str, Any]]) -> dict[str, Any]:
    """Collect the peak RSS of the sweep children, with the runtime's own baseline."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "baseline.json"
        run_child([PYTHON, "-m", "bench.sweep_child", str(output), "--baseline"],
                  handler_environment("http://127.0.0.1:9"))
        baseline = json.loads(output.read_text(encoding="utf-8"))["peak_rss_kib"]
    return {
        "target_peak_rss_mib": TARGET_PEAK_RSS_MIB,
        "runtime_baseline_peak_rss_mib": round(baseline / 1024, 1),
        "sweeps": [{key: sweep[key] for key in ("fleet_size", "max_concurrency", "latency_ms", "peak_rss_mib",
                                                "ru_maxrss_mib", "wall_seconds")}
                   for sweep in sweeps],
    }

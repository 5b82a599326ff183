"""Run the benchmarks and write one JSON file of figures per benchmark.

`make bench` runs `python -m bench.run`: the full run, which writes bench/results/
(the published figures, see docs/benchmarks.md). `--quick` runs each benchmark
at a small size and writes to a temporary folder unless `--output-dir` is given.
Everything runs on 127.0.0.1: the ECS emulator is a child process on a free port.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import RESULTS_DIR, write_result

BENCHMARKS = ("cold_start", "sweep_calls", "sweep_time", "memory", "burst", "signing")


@dataclass(frozen=True)
class Plan:
    """Sizes and repeat counts of one run."""

    cold_runs: int
    importtime_repeats: int
    sweep_sizes: tuple[int, ...]
    latency_large_fleet: int
    latency_small_fleet: int
    burst_instances: int
    signing_seconds: float
    signing_repeats: int


# Sized so that the full run takes a few minutes on 2 cores (about 4 minutes on the machine in docs/benchmarks.md).
FULL = Plan(cold_runs=11, importtime_repeats=3, sweep_sizes=(1_000, 10_000, 100_000),
            latency_large_fleet=100_000, latency_small_fleet=10_000, burst_instances=1_000,
            signing_seconds=0.5, signing_repeats=5)
QUICK = Plan(cold_runs=3, importtime_repeats=1, sweep_sizes=(1_000,), latency_large_fleet=2_000,
             latency_small_fleet=1_000, burst_instances=100, signing_seconds=0.05, signing_repeats=3)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few repeats, a smoke run of about a minute")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only this benchmark; repeat for more ({', '.join(BENCHMARKS)})")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="folder for the JSON results (default: bench/results, or a temporary "
                             "folder with --quick)")
    return parser.parse_args(argv)


def run_benchmarks(plan: Plan, selected: tuple[str, ...], output_dir: Path) -> dict[str, dict[str, Any]]:
    """Run the selected benchmarks in a fixed order and write each one's JSON file."""
    # Imported here so that `--help` stays fast and each benchmark loads only what it needs.
    from bench import burst, cold_start, signing, sweep

    results: dict[str, dict[str, Any]] = {}
    sweeps: list[dict[str, Any]] = []

    def record(name: str, data: dict[str, Any]) -> None:
        data["plan"] = plan.__dict__
        results[name] = data
        path = write_result(output_dir, name, data)
        print(f"{name}: wrote {path}", flush=True)

    if "cold_start" in selected:
        data = cold_start.measure_cold_start(plan.cold_runs, plan.importtime_repeats)
        record("import_time", data.pop("import_time"))
        record("cold_start", data)
    if "sweep_calls" in selected or "memory" in selected:
        data = sweep.call_counts(plan.sweep_sizes)
        sweeps.extend(data["sweeps"])
        if "sweep_calls" in selected:
            record("sweep_calls", data)
    if "sweep_time" in selected or "memory" in selected:
        data = sweep.wall_time(plan.latency_large_fleet, plan.latency_small_fleet)
        sweeps.extend(data["runs"])
        if "sweep_time" in selected:
            record("sweep_time", data)
    if "memory" in selected:
        record("memory", sweep.memory(sweeps))
    if "burst" in selected:
        record("burst", burst.measure_bursts(plan.burst_instances))
    if "signing" in selected:
        record("signing", signing.measure_signing(plan.signing_seconds, plan.signing_repeats))
    return results


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    """Print the headline figures next to their targets."""
    lines = []
    if "cold_start" in results:
        cold = results["cold_start"]
        lines.append(f"cold start: ours/SDK wall time {cold['ratio_wall_time_median']} "
                     f"({cold['ratio_wall_time_without_settle_median']} without the claim wait; "
                     f"target <= {cold['target_wall_time_ratio']}), peak RSS {cold['ratio_peak_rss_median']}")
    for row in results.get("sweep_calls", {}).get("sweeps", []):
        lines.append(f"sweep calls, {row['fleet_size']} instances: {sum(row['calls'].values())} calls, "
                     f"ratio to the lower bound {row['ratio_total']} (target 1.00)")
    for row in results.get("sweep_time", {}).get("runs", []):
        lines.append(f"sweep time, {row['fleet_size']} instances, concurrency {row['max_concurrency']}: "
                     f"{row['wall_seconds']} s, {row['instances_per_second']} instances/s")
    for row in results.get("memory", {}).get("sweeps", []):
        lines.append(f"memory, {row['fleet_size']} instances (latency {row['latency_ms']} ms): "
                     f"{row['peak_rss_mib']} MiB peak RSS (target <= 128)")
    if "burst" in results:
        single = results["burst"]["single_events"]
        stream = results["burst"]["streaming"]
        lines.append(f"burst, single events: {single['accepted_calls_per_instance']} accepted calls per instance "
                     f"(target 6), {single['throttled_calls']} throttled, {single['redeliveries']} redeliveries, "
                     f"last install after {single['seconds_until_all_installed']} s, "
                     f"{single['events_failing_after_last_round']} events still failing, "
                     f"{len(single['state']['lost'])} lost")
        lines.append(f"burst, streaming arrays: {stream['install_calls_accepted']} install calls "
                     f"(target <= {results['burst']['target_streaming_install_calls']})")
    if "signing" in results:
        for version in ("v1", "v3"):
            figures = results["signing"][version]
            lines.append(f"signing {version}: ours {figures['ours_per_second']}/s, SDK {figures['sdk_per_second']}/s, "
                         f"ratio {figures['ratio_ours_to_sdk']}")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else FULL
    selected = tuple(args.only or BENCHMARKS)
    output_dir = args.output_dir
    if output_dir is None:
        output_dir = Path(tempfile.mkdtemp(prefix="bench-quick-")) if args.quick else RESULTS_DIR

    started = time.perf_counter()
    results = run_benchmarks(plan, selected, output_dir)
    print_summary(results)
    print(f"Elapsed: {time.perf_counter() - started:.0f} s. Results in {output_dir}")
    problems = burst_problems(results.get("burst"))
    for problem in problems:
        print(f"burst problem: {problem}")
    return 1 if problems else 0


def burst_problems(burst_results: dict[str, Any] | None) -> list[str]:
    """Return the burst's broken invariants: lost, unrebooted or twice rebooted instances, failing events.

    Every burst instance is new, so REBOOT_POLICY=new-instances reboots each one once.
    """
    problems: list[str] = []
    for name, figures in (burst_results or {}).items():
        if not isinstance(figures, dict) or "state" not in figures:
            continue
        if figures["state"]["lost"]:
            problems.append(f"{name}: {len(figures['state']['lost'])} instances left without the agent")
        if figures["instances_rebooted"] < figures["instances"]:
            problems.append(f"{name}: {figures['instances'] - figures['instances_rebooted']} instances not rebooted")
        if figures["instances_rebooted_twice"]:
            problems.append(f"{name}: {figures['instances_rebooted_twice']} instances rebooted twice")
        if figures["events_failing_after_last_round"]:
            problems.append(f"{name}: {figures['events_failing_after_last_round']} events still failed after "
                            f"{figures['delivery_rounds']} delivery rounds")
    return problems


if __name__ == "__main__":
    sys.exit(main())

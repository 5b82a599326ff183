"""Run the fault matrix at full size and print its figures.

Usage: .venv/bin/python scripts/fault_matrix.py [--sweep-size 2000] [--events 200] [--rounds 100]

Cases: a sweep of --sweep-size instances and a burst of --events instance events.
Each runs with throttling at 30% (with and without x-acs-retry-after), 503, 500
InternalError.Dispatch, connection resets and latency spikes past the read timeout.
Then --rounds rounds deliver the same event to two warm instances at once.
Exits 1 when an invariant is broken. Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from local.ecs_emulator import EmulatorServer  # noqa: E402 - after the path setup
from tests.reliability.claims import run_concurrent_rounds  # noqa: E402
from tests.reliability.leaks import find_leaks  # noqa: E402
from tests.reliability.matrix import format_result, run_events_case, run_sweep_case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep-size", type=int, default=2000, help="instances in the swept fleet")
    parser.add_argument("--events", type=int, default=200, help="instance events in each burst")
    parser.add_argument("--rounds", type=int, default=100, help="rounds of concurrent delivery to two instances")
    parser.add_argument("--seed", type=int, default=8, help="seed of the fleet and of the fault draws")
    arguments = parser.parse_args()

    started = time.monotonic()
    violations: list[str] = []
    # The emulator prints a traceback for each client that hung up during a latency spike.
    with EmulatorServer() as emulator, contextlib.redirect_stderr(io.StringIO()):
        for retry_after in (True, False):
            for run in (run_sweep_case, run_events_case):
                size = arguments.sweep_size if run is run_sweep_case else arguments.events
                result = run(emulator, size, retry_after=retry_after, seed=arguments.seed)
                leaks = find_leaks("\n".join(result.log_lines))
                print(format_result(result), file=sys.stdout, flush=True)
                print(f"  secrets found in {len(result.log_lines)} log lines: {len(leaks)}", flush=True)
                violations += result.violations + [f"{result.name}: {leak}" for leak in leaks]

        figures = run_concurrent_rounds(emulator, arguments.rounds, per_round=1, seed=arguments.seed)
    print(f"concurrent delivery to two warm instances, {figures.rounds} rounds of one instance\n"
          f"  double-rebooted {len(figures.double_rebooted)}, double-installed "
          f"{len(figures.double_installed)}, claims written {figures.claims_written}, claims lost "
          f"{figures.claims_lost}, unhandled {len(figures.unhandled)}\n  claim write to read-back: "
          f"{figures.window_summary()}")
    violations += [f"concurrent: rebooted twice: {i}" for i in figures.double_rebooted]

    print(f"total duration {time.monotonic() - started:.1f} s; invariant violations: {len(violations)}")
    for line in violations:
        print(f"  {line}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzz the three handlers with hostile input for many cases and print what was found.

Usage: .venv/bin/python scripts/fuzz_handlers.py [--cases 10000] [--seed 0]

Runs the strategies of tests/reliability/hostile.py: --cases payloads to each of
instance_events and scheduled_sweep, and --cases HTTP requests to http_api in token
mode, against the ECS emulator on 127.0.0.1. Then checks every ECS call in the
emulator's log against the validation patterns. Exits 1 when a problem is found.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402 - after the path setup

from local.ecs_emulator import EmulatorServer  # noqa: E402
from tests.reliability.helpers import new_function  # noqa: E402
from tests.reliability.hostile import (  # noqa: E402
    check_invocation,
    check_request,
    event_payloads,
    fleet,
    http_requests,
    sweep_payloads,
    unvalidated_params,
)

HTTP_TOKEN = "fuzz-handlers-token-0123456789"  # noqa: S105 - a loopback test token


def fuzz(name: str, strategy, check, cases: int, seed: int, problems: list[str]) -> None:
    """Run `check` on `cases` examples of `strategy`, collecting problems instead of stopping at the first."""
    count = 0

    @settings(max_examples=cases, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(strategy)
    def run(value):
        nonlocal count
        count += 1
        for problem in check(value):
            problems.append(f"{name}: {problem}")

    started = time.monotonic()
    run._hypothesis_internal_use_seed = seed
    run()
    print(f"{name}: {count} cases in {time.monotonic() - started:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per handler")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed")
    arguments = parser.parse_args()

    problems: list[str] = []
    with EmulatorServer(fleet=fleet()) as emulator:
        events = new_function("instance_events", emulator.url, ALLOWED_REGIONS="cn-hangzhou,cn-shanghai")
        sweep = new_function("scheduled_sweep", emulator.url, SWEEP_REGIONS="cn-hangzhou")
        api = new_function("http_api", emulator.url, HTTP_AUTH_MODE="token", HTTP_API_TOKEN=HTTP_TOKEN)

        fuzz("instance_events", event_payloads, lambda payload: check_invocation(events, payload),
             arguments.cases, arguments.seed, problems)
        fuzz("scheduled_sweep", sweep_payloads, lambda payload: check_invocation(sweep, payload),
             arguments.cases, arguments.seed, problems)
        fuzz("http_api", http_requests(), lambda request: check_request(api, request, HTTP_TOKEN),
             arguments.cases, arguments.seed, problems)

        calls = emulator.calls()
        problems += [f"unvalidated value sent to ECS: {value}" for value in unvalidated_params(calls)]

    per_action = Counter(call["action"] for call in calls)
    print(f"ECS calls made: {len(calls)} ({', '.join(f'{a} {n}' for a, n in sorted(per_action.items()))})")
    print(f"problems found: {len(problems)}")
    for problem in problems[:50]:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

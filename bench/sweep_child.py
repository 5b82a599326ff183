"""Child process of the sweep benchmarks: one `scheduled_sweep` invocation in the local FC runtime.

Usage: python -m bench.sweep_child OUTPUT_FILE [--baseline]

The environment points the handler at the emulator (ECS_ENDPOINT, the keys,
SWEEP_REGIONS, MAX_CONCURRENCY). The handler's JSON logs go to stdout. The output
file receives the invocation's wall time, the report's counts and API calls, and the
process's peak RSS. With --baseline the function is loaded but not invoked, which
gives the runtime's own memory.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.peak import peak_rss_kib
from local.fc_runtime import FcInstance
from shared.config import SETTING_NAMES


def main() -> None:
    output = Path(sys.argv[1])
    baseline = "--baseline" in sys.argv[2:]
    # The runtime applies the template's defaults over the process environment, so the
    # settings are passed to it explicitly.
    settings = {name: value for name, value in os.environ.items() if name in SETTING_NAMES}
    instance = FcInstance("scheduled_sweep", environment=settings)
    summary: dict = {"timeout_seconds": instance.timeout}

    if not baseline:
        event = {"triggerTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "triggerName": "bench", "payload": ""}
        started = time.perf_counter()
        report = json.loads(instance.invoke(event))
        summary["wall_seconds"] = time.perf_counter() - started
        summary["complete"] = report["complete"]
        summary["counts"] = report["counts"]
        summary["api_calls"] = report["apiCalls"]
        summary["deferred_work"] = report.get("deferredWork", [])
        summary["listed_instances"] = len(report["instances"])

    summary["peak_rss_kib"] = peak_rss_kib()
    output.write_text(json.dumps(summary), encoding="utf-8")


if __name__ == "__main__":
    main()

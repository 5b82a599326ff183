"""Import-time breakdown of each handler with `python -X importtime`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import PYTHON, REPO_ROOT, handler_environment, median, run_child

FUNCTIONS = ("instance_events", "scheduled_sweep", "http_api")
TOP_ENTRIES = 15
TOP_PACKAGES = 10
# Loads a handler file as FC does, with the repository root in place of the package folder.
IMPORT_ONLY = (
    "import importlib.util, sys; sys.path.insert(0, {root!r}); "
    "spec = importlib.util.spec_from_file_location('index', {path!r}); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)"
)


def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    """Parse `-X importtime` lines into entries with self and cumulative microseconds."""
    entries = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        depth = (len(name) - len(name.lstrip(" "))) // 2
        entries.append({"module": name.strip(), "self_us": int(self_us), "cumulative_us": int(cumulative_us),
                        "depth": depth})
    return entries


def summarize(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the total, the top modules by cumulative time and the self time per top-level package."""
    by_package: dict[str, int] = {}
    for entry in entries:
        package = entry["module"].split(".", 1)[0]
        by_package[package] = by_package.get(package, 0) + entry["self_us"]

    top = sorted(entries, key=lambda entry: entry["cumulative_us"], reverse=True)[:TOP_ENTRIES]
    packages = sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:TOP_PACKAGES]
    return {
        "total_ms": round(sum(entry["self_us"] for entry in entries) / 1000, 1),
        "modules": len(entries),
        "top_cumulative": [
            {"module": entry["module"], "cumulative_ms": round(entry["cumulative_us"] / 1000, 1),
             "self_ms": round(entry["self_us"] / 1000, 1)}
            for entry in top
        ],
        "packages_self_ms": {package: round(micros / 1000, 1) for package, micros in packages},
    }


def _median_summary(runs: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """Summarize the run whose total import time is the median of the runs."""
    totals = [sum(entry["self_us"] for entry in entries) for entries in runs]
    middle = totals.index(sorted(totals)[len(totals) // 2])
    summary = summarize(runs[middle])
    summary["total_ms_median"] = round(median(totals) / 1000, 1)
    return summary


def measure_import_time(endpoint: str, event_file: Path, repeats: int,
                        reset: Callable[[], None]) -> dict[str, Any]:
    """Profile each handler's import, and the cold child (import plus one event) of both variants.

    The first invocation also imports what the handler loads lazily (the product's
    `requests`), so the cold-child profiles show the whole cold start. `reset`
    restores the emulator state before each cold-child run.
    """
    environment = handler_environment(endpoint)
    result: dict[str, Any] = {"repeats": repeats, "handler_import": {}, "cold_start_child": {}}

    for function in FUNCTIONS:
        path = REPO_ROOT / "functions" / function / "index.py"
        code = IMPORT_ONLY.format(root=str(REPO_ROOT), path=str(path))
        runs = [parse_importtime(run_child([PYTHON, "-X", "importtime", "-c", code], environment)["stderr"])
                for _ in range(repeats)]
        result["handler_import"][function] = _median_summary(runs)

    with tempfile.TemporaryDirectory() as folder:
        timings = Path(folder) / "timings.json"
        for variant in ("ours", "sdk"):
            command = [PYTHON, "-X", "importtime", "-m", "bench.cold_child", variant, str(event_file), str(timings)]
            runs = []
            for _ in range(repeats):
                reset()
                runs.append(parse_importtime(run_child(command, environment)["stderr"]))
            result["cold_start_child"][variant] = _median_summary(runs)
    return result

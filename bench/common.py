"""Helpers shared by the benchmarks: the emulator in its own process, child processes, results."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
PYTHON = sys.executable
KEY_ID = "testid"
KEY_SECRET = "testsecret"  # noqa: S105 - the emulator's published test pair
REGION = "cn-hangzhou"
EMULATOR_START_SECONDS = 300.0

# The opener ignores proxy variables, so control calls always go straight to 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def handler_environment(endpoint: str, **extra: str) -> dict[str, str]:
    """Return the environment variables that point a handler at the emulator."""
    return {
        "ECS_ENDPOINT": endpoint,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": KEY_SECRET,
        **extra,
    }


class EmulatorProcess:
    """`python -m local.ecs_emulator` in a child process, driven through its control API."""

    def __init__(self, generate: int = 0, regions: tuple[str, ...] = (REGION,),
                 missing_ratio: float = 0.25, seed: int = 0) -> None:
        self.arguments = [PYTHON, "-m", "local.ecs_emulator", "--port", "0",
                          "--generate", str(generate), "--regions", ",".join(regions),
                          "--missing-ratio", str(missing_ratio), "--seed", str(seed)]
        self.url = ""
        self._process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()

    def __enter__(self) -> EmulatorProcess:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._process = subprocess.Popen(self.arguments, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                         stderr=self._log, text=True)
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(self._process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(EMULATOR_START_SECONDS)
        line = first_line[0] if first_line else ""
        if not line.startswith("Listening on "):
            self.stop()
            raise RuntimeError(f"the emulator did not start within {EMULATOR_START_SECONDS:.0f} s; "
                               f"its first output line was {line!r}")
        self.url = line.split("Listening on ", 1)[1].strip()

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._process = None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator URL {self.url!r} is not on 127.0.0.1; start the emulator first")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL is checked to be http://127.0.0.1 above
            f"{self.url}/_emulator/{path}", data=data, method=method, headers={"Content-Type": "application/json"})
        with _OPENER.open(request, timeout=120) as response:
            return json.loads(response.read())

    def calls(self) -> list[dict]:
        return self.control("GET", "calls")["calls"]

    def clear_calls(self) -> None:
        self.control("DELETE", "calls")

    def set_faults(self, faults: list[dict]) -> None:
        self.control("POST", "faults", faults)

    def reset(self, spec: dict) -> int:
        return self.control("POST", "reset", spec)["instances"]

    def state(self) -> dict:
        return self.control("GET", "state")


def run_child(arguments: list[str], environment: dict[str, str] | None = None,
              timeout: float = 900.0) -> dict[str, Any]:
    """Run a child process to its end; return its wall time, peak RSS, exit code and output.

    stdout and stderr go to temporary files, so a chatty child cannot block on a full pipe.
    `max_rss_kib` is `ru_maxrss` from `os.wait4`, in KiB on Linux. It also counts the
    forked copy of this process, so children report their own peak (bench/peak.py).
    """
    env = {**os.environ, **(environment or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(arguments, cwd=REPO_ROOT, env=env, stdout=out, stderr=err)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)

        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")

    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} exited with {process.returncode}: {stderr[-2000:]}")
    return {"wall_seconds": wall, "max_rss_kib": usage.ru_maxrss, "stdout": stdout, "stderr": stderr}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def count_actions(calls: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in calls:
        counts[call["action"]] = counts.get(call["action"], 0) + 1
    return dict(sorted(counts.items()))


def machine_info() -> dict[str, Any]:
    """Describe the machine and interpreter that produced the figures."""
    model = ""
    memory_kib = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_mib": memory_kib // 1024,
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_result(output_dir: Path, name: str, data: dict[str, Any]) -> Path:
    """Write one benchmark's figures as JSON, with the machine that produced them."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{name}.json"
    document = {"benchmark": name, "machine": machine_info(), **data}
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path

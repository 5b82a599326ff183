"""The demo's HTTP part: serve `http_api` with `local.serve` and send the document's request example."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serve_http_api(environment: dict[str, str], log_path: Path) -> Iterator[str]:
    """Run `python -m local.serve http_api` on a free loopback port and yield its URL.

    The function's JSON logs, which `local.serve` writes to stdout after the URL
    line, are appended to `log_path`; its access log on stderr is dropped.
    """
    command = [sys.executable, "-m", "local.serve", "http_api", "--port", "0"]
    for name, value in environment.items():
        command += ["--env", f"{name}={value}"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    copier = None
    try:
        first_line = process.stdout.readline().strip() if process.stdout else ""
        if not first_line.startswith("Listening on "):
            raise RuntimeError(f"local.serve did not start: {first_line or 'no output'}")
        copier = threading.Thread(target=_copy_json_lines, args=(process.stdout, log_path), daemon=True)
        copier.start()
        yield first_line.removeprefix("Listening on ")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if copier is not None:
            copier.join(timeout=5)


def _copy_json_lines(stream: IO[str], log_path: Path) -> None:
    with log_path.open("a", encoding="utf-8") as log_file:
        for line in stream:
            if line.startswith("{"):
                log_file.write(line)


def send_document_example(url: str, region: str, instance_ids: list[str], token: str) -> tuple[int, str]:
    """Send the InstallCloudAssistant document's request example and return the status and body."""
    query = {"Action": "InstallCloudAssistant", "RegionId": region, "InstanceIds": json.dumps(instance_ids)}
    response = requests.get(url, params=query, headers={"X-Api-Token": token}, timeout=60)
    return response.status_code, response.text

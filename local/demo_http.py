"""The demo's HTTP part: serve `http_api` with `local.serve` and send the document's request example."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serve_http_api(environment: dict[str, str]) -> Iterator[str]:
    """Run `python -m local.serve http_api` on a free loopback port and yield its URL."""
    command = [sys.executable, "-m", "local.serve", "http_api", "--port", "0"]
    for name, value in environment.items():
        command += ["--env", f"{name}={value}"]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=sys.stdout, text=True)
    try:
        first_line = process.stdout.readline().strip() if process.stdout else ""
        if not first_line.startswith("Listening on "):
            raise RuntimeError(f"local.serve did not start: {first_line or 'no output'}")
        yield first_line.removeprefix("Listening on ")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def send_document_example(url: str, region: str, instance_ids: list[str], token: str) -> tuple[int, str]:
    """Send the InstallCloudAssistant document's request example and return the status and body."""
    query = {"Action": "InstallCloudAssistant", "RegionId": region, "InstanceIds": json.dumps(instance_ids)}
    response = requests.get(url, params=query, headers={"X-Api-Token": token}, timeout=60)
    return response.status_code, response.text

"""The command python -m local.ecs_emulator, run as a separate process."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from .helpers import call_v1

ROOT = Path(__file__).resolve().parents[2]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "local.ecs_emulator", "--port", "0", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def server_of(process: subprocess.Popen) -> SimpleNamespace:
    first_line = process.stdout.readline().strip()
    assert first_line.startswith("Listening on http://127.0.0.1:"), first_line
    url = first_line.removeprefix("Listening on ")
    return SimpleNamespace(url=url, port=int(url.rsplit(":", 1)[1]))


@pytest.fixture
def stop_later():
    processes = []
    yield processes.append
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_generated_fleet_served(stop_later):
    process = start("--generate", "30", "--regions", "cn-beijing", "--seed", "2")
    stop_later(process)
    server = server_of(process)

    body = call_v1(server, "DescribeInstances", {"RegionId": "cn-beijing"}).json()

    assert body["TotalCount"] == 30


def test_fleet_file_and_keys(stop_later, tmp_path):
    fleet_file = tmp_path / "fleet.json"
    fleet_file.write_text(json.dumps({"instances": [{"InstanceId": "i-file"}]}))
    process = start("--fleet", str(fleet_file), "--access-key-id", "mykey",
                    "--access-key-secret", "mysecret", "--security-token", "tok")
    stop_later(process)
    server = server_of(process)

    accepted = call_v1(server, "DescribeInstances", {"RegionId": "cn-hangzhou"},
                       key_id="mykey", secret="mysecret", token="tok")
    rejected = call_v1(server, "DescribeRegions")

    assert accepted.json()["Instances"]["Instance"][0]["InstanceId"] == "i-file"
    assert rejected.json()["Code"] == "InvalidAccessKeyId.NotFound"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_stops_cleanly_on_signal(stop_later, stop_signal):
    process = start()
    stop_later(process)
    server_of(process)

    process.send_signal(stop_signal)

    assert process.wait(timeout=10) == 0


def test_bad_fleet_file_reported(tmp_path):
    fleet_file = tmp_path / "fleet.json"
    fleet_file.write_text(json.dumps({"instances": [{"Status": "Melting"}]}))

    result = subprocess.run([sys.executable, "-m", "local.ecs_emulator", "--fleet",
                             str(fleet_file)], cwd=ROOT, capture_output=True, text=True,
                            timeout=30)

    assert result.returncode == 2
    assert "Melting" in result.stderr

"""Behaviour that depends on the process: import cost, time zone and locale."""

from __future__ import annotations

import calendar
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

TIMESTAMP_SCRIPT = """
import json, locale, time
try:
    locale.setlocale(locale.LC_ALL, "")
    chosen = locale.setlocale(locale.LC_ALL)
except locale.Error:
    chosen = "unavailable"
from shared.credentials import Credentials
from shared.ecs.signing import sign_request, utc_timestamp
signed = sign_request("v3", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b"))
print(json.dumps({
    "timestamp": utc_timestamp(),
    "header": signed.headers["x-acs-date"],
    "epoch": time.time(),
    "local_offset": -time.timezone,
    "locale": chosen,
}))
"""


def run_python(code: str, **environment: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), **environment}
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPOSITORY, capture_output=True, text=True, check=True
    )
    return completed.stdout


def epoch_of(timestamp: str) -> int:
    return calendar.timegm(time.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ"))


def test_import_does_not_load_requests():
    output = run_python(
        "import sys, shared.ecs, shared.credentials; print('requests' in sys.modules, 'urllib3' in sys.modules)"
    )
    assert output.split() == ["False", "False"]


def test_timestamp_is_utc_in_shanghai():
    output = json.loads(run_python(TIMESTAMP_SCRIPT, TZ="Asia/Shanghai", LC_ALL="zh_CN.UTF-8",
                                   LANG="zh_CN.UTF-8"))
    # The child really ran eight hours east of UTC; otherwise this test proves nothing.
    assert output["local_offset"] == 8 * 3600
    assert abs(epoch_of(output["timestamp"]) - output["epoch"]) < 5
    assert abs(epoch_of(output["header"]) - output["epoch"]) < 5


def test_timestamp_is_utc_west_of_utc():
    output = json.loads(run_python(TIMESTAMP_SCRIPT, TZ="America/Los_Angeles", LC_ALL="C.UTF-8"))
    assert output["local_offset"] < 0
    assert abs(epoch_of(output["timestamp"]) - output["epoch"]) < 5


CALL_SCRIPT = """
import json, os
from shared.credentials import Credentials
from shared.ecs import ClientSettings, EcsClient
client = EcsClient(
    Credentials("testid", "testsecret"),
    ClientSettings(endpoint=os.environ["EMULATOR_URL"], signature_version=os.environ["SIGNATURE"]),
)
print(json.dumps(len(client.describe_regions())))
"""


def test_signed_call_from_shanghai(emulator):
    # The emulator rejects timestamps more than 15 minutes off, so a call signed with
    # local time eight hours east of UTC would fail.
    for version in ("v3", "v1"):
        output = run_python(CALL_SCRIPT, TZ="Asia/Shanghai", LC_ALL="zh_CN.UTF-8", LANG="zh_CN.UTF-8",
                            EMULATOR_URL=emulator.url, SIGNATURE=version)
        assert json.loads(output) > 0, version

"""Secrets never reach logs, responses or error messages: access key secrets, STS tokens and signatures.

tests/conftest.py scans every test's captured output as well; these tests look at
what the handlers return and raise, under wrong credentials and transport faults.
"""

from __future__ import annotations

import json
import random

import pytest

from local.ecs_emulator import EmulatorServer
from local.fc_runtime import FcError
from tests.reliability.helpers import captured_stdout, new_function, new_instances, running_event
from tests.reliability.leaks import find_leaks, register_secret

STS_SECRET = "reliability-sts-secret-4d1e"
STS_TOKEN = "CAIS+reliability/token=with+reserved/chars=="
WRONG_SECRET = "reliability-wrong-secret-77"
WRONG_TOKEN = "CAIS+reliability/wrong=token"
HTTP_TOKEN = "reliability-http-token-5b8e1f"
for _value in (STS_SECRET, STS_TOKEN, WRONG_SECRET, WRONG_TOKEN, HTTP_TOKEN):
    register_secret(_value)


@pytest.fixture(scope="module")
def sts_emulator():
    with EmulatorServer(access_key_id="STS.reliability", access_key_secret=STS_SECRET,
                        security_token=STS_TOKEN) as server:
        yield server


def _sts_environment(**overrides: str) -> dict[str, str]:
    values = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.reliability", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": STS_SECRET,
              "ALIBABA_CLOUD_SECURITY_TOKEN": STS_TOKEN, "HTTP_AUTH_MODE": "token", "HTTP_API_TOKEN": HTTP_TOKEN,
              "ECS_MAX_ATTEMPTS": "2"}
    values.update(overrides)
    return values


def _invoke_and_collect(function, event) -> str:
    """Invoke an event handler and return its logs, its result or error, as one text."""
    with captured_stdout() as lines:
        try:
            result = function.invoke(event)
        except FcError as error:
            result = json.dumps(error.payload)
    return "\n".join([*lines, result])


def _http_and_collect(function, query: dict) -> str:
    with captured_stdout() as lines:
        response = function.http("GET", "/", query=query, headers={"X-Api-Token": HTTP_TOKEN})
    return "\n".join([*lines, response.body.decode("utf-8")])


@pytest.mark.parametrize("version", ["v3", "v1"])
def test_sts_run_leaks_nothing(sts_emulator, version):
    fleet = new_instances(2, random.Random(5))
    sts_emulator.reset({"instances": fleet})
    function = new_function("instance_events", sts_emulator.url, ECS_SIGNATURE_VERSION=version,
                            **_sts_environment())

    text = _invoke_and_collect(function, [running_event(item["InstanceId"]) for item in fleet])
    function.close()

    assert '"rebooted"' in text
    assert find_leaks(text) == []


@pytest.mark.parametrize(("name", "value"), [("ALIBABA_CLOUD_ACCESS_KEY_SECRET", WRONG_SECRET),
                                             ("ALIBABA_CLOUD_SECURITY_TOKEN", WRONG_TOKEN)])
@pytest.mark.parametrize("version", ["v3", "v1"])
def test_rejected_credentials_leak_nothing(sts_emulator, name, value, version):
    (item,) = new_instances(1, random.Random(6))
    sts_emulator.reset({"instances": [item]})
    environment = _sts_environment(**{name: value})
    events = new_function("instance_events", sts_emulator.url, ECS_SIGNATURE_VERSION=version, **environment)
    api = new_function("http_api", sts_emulator.url, ECS_SIGNATURE_VERSION=version, **environment)

    event_text = _invoke_and_collect(events, running_event(item["InstanceId"]))
    http_text = _http_and_collect(api, {"Action": "DescribeCloudAssistantStatus", "RegionId": "cn-hangzhou",
                                        "InstanceId.1": item["InstanceId"]})
    events.close()
    api.close()

    assert "InternalError.Credentials" in http_text
    assert find_leaks(event_text) == []
    assert find_leaks(http_text) == []


@pytest.mark.parametrize("kind", ["reset_before", "reset_after", "latency", "unavailable"])
def test_transport_errors_leak_nothing(sts_emulator, kind):
    (item,) = new_instances(1, random.Random(7))
    sts_emulator.reset({"instances": [item]})
    fault = {"kind": kind, "latencyMs": 1500} if kind == "latency" else {"kind": kind}
    sts_emulator.set_faults([fault])
    function = new_function("instance_events", sts_emulator.url, ECS_SIGNATURE_VERSION="v1", **_sts_environment())

    text = _invoke_and_collect(function, running_event(item["InstanceId"]))
    sts_emulator.clear_faults()
    function.close()

    assert "TransientFailureError" in text
    assert find_leaks(text) == []


def test_leak_check_finds_secrets():
    text = (f"token={STS_TOKEN.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')} "
            "Signature=Zm9vYmFyYmF6cXV4cXV1eA%3D%3D "
            '{"Signature": "0123456789abcdef0123456789abcdef"} testsecret')

    assert len(find_leaks(text)) == 4


def test_leak_check_allows_masked_values():
    text = '{"signature":"***","Signature":"<redacted>"} SignatureDoesNotMatch SignatureVersion=1.0 Signature=***'

    assert find_leaks(text) == []


def test_suite_scan_fails_leaking_test(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    (tmp_path / "test_leaky.py").write_text(
        "import logging\n\n"
        "def test_prints():\n    print('secret is testsecret')\n\n"
        "def test_logs():\n    logging.getLogger('x').warning('GET /?Signature=Zm9vYmFyYmF6cXV4cXV1eA%3D%3D')\n\n"
        "def test_clean():\n    print('SignatureDoesNotMatch')\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(repo)}

    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
                             str(tmp_path)], cwd=tmp_path, env=environment, capture_output=True, text=True,
                            timeout=120)

    assert "2 failed, 1 passed" in result.stdout
    assert "wrote secrets to its captured output" in result.stdout
    assert "testsecret" not in result.stdout.replace("secret is testsecret", "")

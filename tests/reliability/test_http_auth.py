"""HTTP API authorisation: tokens and near misses, the none mode, allowed regions and the body limit."""

from __future__ import annotations

import ast
import inspect
import io
import json

import pytest

from local.fc_runtime.wsgi import build_environ
from shared.httpapi import app
from tests.reliability.leaks import find_leaks, register_secret

TOKEN = "Reliability-Token-7f3a9c2e"
KNOWN_ID = "i-bp1aaaaaaaaaaaaaaaaa"
BODY_LIMIT = 1024
NEAR_MISSES = {
    "one character off": TOKEN[:-1] + "f",
    "prefix": TOKEN[:-1],
    "suffix": TOKEN + "0",
    "case change": TOKEN.lower(),
    "leading space": " " + TOKEN,
    "trailing space": TOKEN + " ",
    "inner space": TOKEN[:8] + " " + TOKEN[8:],
    "tab": TOKEN + "\t",
    "repeated": TOKEN + TOKEN,
}


def _query(action: str = "DescribeCloudAssistantStatus", region: str = "cn-hangzhou") -> dict:
    return {"Action": action, "RegionId": region, "InstanceId.1": KNOWN_ID}


@pytest.fixture
def fleet(emulator):
    emulator.reset({"instances": [{"RegionId": "cn-hangzhou", "InstanceId": KNOWN_ID, "Status": "Running",
                                   "CloudAssistant": "online"}]})
    return emulator


@pytest.fixture
def token_api(fleet, make_function):
    register_secret(TOKEN)
    return make_function("http_api", HTTP_AUTH_MODE="token", HTTP_API_TOKEN=TOKEN,
                         ALLOWED_REGIONS="cn-hangzhou", HTTP_MAX_BODY_BYTES=str(BODY_LIMIT))


def test_token_accepted(token_api):
    response = token_api.http("GET", "/", query=_query(), headers={"X-Api-Token": TOKEN})

    assert response.status == 200


def test_missing_token_rejected(token_api, fleet):
    response = token_api.http("GET", "/", query=_query())

    assert response.status == 401
    assert json.loads(response.body)["Code"] == "MissingApiToken"
    assert fleet.calls() == []


@pytest.mark.parametrize("supplied", NEAR_MISSES.values(), ids=NEAR_MISSES.keys())
def test_near_miss_token_rejected(token_api, fleet, supplied):
    response = token_api.http("GET", "/", query=_query(), headers={"X-Api-Token": supplied})

    assert response.status == 401
    assert json.loads(response.body)["Code"] == "InvalidApiToken"
    assert fleet.calls() == []
    assert find_leaks(response.body.decode()) == []


def test_token_compared_constant_time():
    tree = ast.parse(inspect.getsource(app._check_token))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    comparisons = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)]

    assert any(ast.unparse(call.func) == "hmac.compare_digest" for call in calls)
    assert [ast.unparse(node) for node in comparisons if "token" in ast.unparse(node)] == []


def test_none_mode_rejects_install(fleet, make_function):
    api = make_function("http_api", HTTP_AUTH_MODE="none")

    response = api.http("POST", "/", query=_query("InstallCloudAssistant"))

    assert response.status == 403
    assert json.loads(response.body)["Code"] == "Forbidden.AuthenticationDisabled"
    assert fleet.calls() == []


def test_none_mode_serves_status(fleet, make_function):
    api = make_function("http_api", HTTP_AUTH_MODE="none")

    response = api.http("GET", "/", query=_query())

    statuses = json.loads(response.body)["InstanceCloudAssistantStatusSet"]["InstanceCloudAssistantStatus"]
    assert response.status == 200
    assert statuses[0]["CloudAssistantStatus"] == "true"


@pytest.mark.parametrize("action", ["InstallCloudAssistant", "DescribeCloudAssistantStatus"])
def test_region_outside_allowed_forbidden(token_api, fleet, action):
    response = token_api.http("GET", "/", query=_query(action, "cn-shanghai"), headers={"X-Api-Token": TOKEN})

    assert response.status == 403
    assert json.loads(response.body)["Code"] == "Forbidden.Region"
    assert fleet.calls() == []


def test_oversized_invalid_body_gets_413(token_api):
    body = b"{not json" + b"x" * BODY_LIMIT

    response = token_api.http("POST", "/", headers={"X-Api-Token": TOKEN, "Content-Type": "application/json"},
                              body=body)

    assert response.status == 413
    assert json.loads(response.body)["Code"] == "RequestEntityTooLarge"


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that counts how many bytes the handler asked for."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.requested = 0

    def read(self, count: int = -1) -> bytes:
        count = self.size if count is None or count < 0 else count
        self.requested += count
        return b"x" * min(count, self.size)


def _call_handler(function, stream: CountingStream, content_length: int) -> int:
    headers = {"X-Api-Token": TOKEN, "Content-Type": "application/x-www-form-urlencoded"}
    environ = build_environ("POST", "/", "/", "", headers, b"", function.new_context())
    environ["wsgi.input"] = stream
    environ["CONTENT_LENGTH"] = str(content_length)
    statuses = []
    function.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return int(statuses[0].split()[0])


def test_oversized_body_never_read(token_api):
    stream = CountingStream(10 * BODY_LIMIT)

    status = _call_handler(token_api, stream, 10 * BODY_LIMIT)

    assert status == 413
    assert stream.requested == 0


def test_body_read_only_to_length(token_api):
    stream = CountingStream(10 * BODY_LIMIT)

    status = _call_handler(token_api, stream, 100)

    assert status == 400
    assert stream.requested == 100


def test_rejected_token_checked_first(token_api):
    stream = CountingStream(10 * BODY_LIMIT)
    headers = {"Content-Type": "application/json"}
    environ = build_environ("POST", "/", "/", "", headers, b"", token_api.new_context())
    environ["wsgi.input"] = stream
    environ["CONTENT_LENGTH"] = str(10 * BODY_LIMIT)
    statuses = []

    token_api.handler(environ, lambda status, headers, exc_info=None: statuses.append(status))

    assert statuses[0].startswith("401")
    assert stream.requested == 0

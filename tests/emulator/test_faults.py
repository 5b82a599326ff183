"""Injected faults, each seen by a client over HTTP."""

from __future__ import annotations

import http.client
import time

import pytest
import requests
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi.exceptions import ThrottlingException

from .conftest import RUNNING_1
from .helpers import call_v1, tea_client, v1_params

HANGZHOU = {"RegionId": "cn-hangzhou"}
INSTALL = dict(HANGZHOU, **{"InstanceId.1": RUNNING_1})


def agent_state(server, instance_id=RUNNING_1) -> str:
    return next(i["CloudAssistant"] for i in server.state()["instances"]
                if i["InstanceId"] == instance_id)


@pytest.mark.parametrize("code", ["Throttling.User", "Throttling.Api", "Throttling"])
def test_throttle_codes(fleet, code):
    fleet.set_faults([{"kind": "throttle", "code": code}])
    response = call_v1(fleet, "DescribeRegions")

    assert response.status_code == 400
    assert response.json()["Code"] == code
    assert "x-acs-retry-after" not in response.headers


def test_throttle_retry_after_header(fleet):
    fleet.set_faults([{"kind": "throttle", "retryAfterMs": 1500}])
    response = call_v1(fleet, "DescribeRegions")

    assert response.headers["x-acs-retry-after"] == "1500"


def test_tea_sdk_sees_throttling(fleet):
    fleet.set_faults([{"kind": "throttle", "code": "Throttling.User", "retryAfterMs": 20}])

    with pytest.raises(ThrottlingException) as raised:
        tea_client(fleet).describe_regions(ecs.DescribeRegionsRequest())

    assert raised.value.code == "Throttling.User"
    assert raised.value.retry_after == 20


@pytest.mark.parametrize(("kind", "status", "code"), [
    ("internal_error", 500, "InternalError"),
    ("dispatch_error", 500, "InternalError.Dispatch"),
    ("unavailable", 503, "ServiceUnavailable"),
])
def test_server_error_kinds(fleet, kind, status, code):
    fleet.set_faults([{"kind": kind, "action": "InstallCloudAssistant"}])
    response = call_v1(fleet, "InstallCloudAssistant", INSTALL)

    assert response.status_code == status
    assert response.json()["Code"] == code
    assert agent_state(fleet) == "none"


def test_reset_before_not_applied(fleet):
    fleet.set_faults([{"kind": "reset_before", "action": "InstallCloudAssistant"}])

    with pytest.raises(requests.ConnectionError):
        call_v1(fleet, "InstallCloudAssistant", INSTALL)

    assert agent_state(fleet) == "none"


def test_reset_after_applied(fleet):
    fleet.set_faults([{"kind": "reset_after", "action": "InstallCloudAssistant"}])

    with pytest.raises(requests.ConnectionError):
        call_v1(fleet, "InstallCloudAssistant", INSTALL)

    assert agent_state(fleet) == "installed"


def test_reset_logged_without_status(fleet):
    fleet.set_faults([{"kind": "reset_before"}])
    with pytest.raises(requests.ConnectionError):
        call_v1(fleet, "DescribeRegions")
    entry = fleet.calls()[-1]

    assert entry["status"] is None
    assert entry["fault"] == "reset_before"


def test_latency_delays_answer(fleet):
    fleet.set_faults([{"kind": "latency", "latencyMs": 300}])
    started = time.monotonic()
    response = call_v1(fleet, "DescribeRegions")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_slow_body_arrives_late(fleet):
    fleet.set_faults([{"kind": "slow_body", "latencyMs": 400}])
    client = http.client.HTTPConnection("127.0.0.1", fleet.port, timeout=10)
    prepared = requests.Request("GET", fleet.url + "/", params=_signed_regions(fleet)).prepare()

    client.request("GET", prepared.path_url)
    started = time.monotonic()
    response = client.getresponse()
    headers_after = time.monotonic() - started
    body = response.read()
    body_after = time.monotonic() - started

    assert response.status == 200
    assert b"Regions" in body
    assert body_after - headers_after >= 0.3


def _signed_regions(server) -> dict:
    params = v1_params("DescribeRegions")
    params["Signature"] = OpenApiUtil.get_rpcsignature(params, "GET", "testsecret")
    return params


def test_nth_selects_calls(fleet):
    fleet.set_faults([{"kind": "internal_error", "action": "DescribeRegions", "nth": [2, 4]}])
    statuses = [call_v1(fleet, "DescribeRegions").status_code for _ in range(5)]

    assert statuses == [200, 500, 200, 500, 200]


def test_nth_counts_per_action(fleet):
    fleet.set_faults([{"kind": "internal_error", "action": "DescribeRegions", "nth": [1]}])
    other = call_v1(fleet, "DescribeInstances", HANGZHOU)
    first = call_v1(fleet, "DescribeRegions")

    assert other.status_code == 200
    assert first.status_code == 500


def test_wildcard_counts_all_calls(fleet):
    fleet.set_faults([{"kind": "unavailable", "nth": [2]}])
    first = call_v1(fleet, "DescribeRegions")
    second = call_v1(fleet, "DescribeInstances", HANGZHOU)

    assert first.status_code == 200
    assert second.status_code == 503


def test_rate_reproducible_with_seed(fleet):
    def run() -> list[int]:
        fleet.set_faults([{"kind": "internal_error", "rate": 0.5, "seed": 7}])
        return [call_v1(fleet, "DescribeRegions").status_code for _ in range(20)]

    first, second = run(), run()

    assert first == second
    assert 500 in first
    assert 200 in first


def test_rate_zero_never_fires(fleet):
    fleet.set_faults([{"kind": "internal_error", "rate": 0}])

    assert {call_v1(fleet, "DescribeRegions").status_code for _ in range(5)} == {200}


def test_qps_limit_throttles_like_api(fleet):
    fleet.set_faults([{"kind": "qps", "action": "DescribeRegions", "limit": 0,
                       "retryAfterMs": 1000}])
    response = call_v1(fleet, "DescribeRegions")
    other = call_v1(fleet, "DescribeInstances", HANGZHOU)

    assert response.status_code == 400
    assert response.json()["Code"] == "Throttling.Api"
    assert response.headers["x-acs-retry-after"] == "1000"
    assert other.status_code == 200


def test_qps_limit_admits_up_to_limit(fleet):
    fleet.set_faults([{"kind": "qps", "limit": 2}])
    codes = [call_v1(fleet, "DescribeRegions").status_code for _ in range(3)]
    # The three calls take far less than the one-second window on any working machine.

    assert codes[:2] == [200, 200]
    assert codes[2] == 400


def test_qps_window_slides(fleet):
    fleet.set_faults([{"kind": "qps", "limit": 1}])
    first = call_v1(fleet, "DescribeRegions")
    time.sleep(1.05)
    later = call_v1(fleet, "DescribeRegions")

    assert first.status_code == 200
    assert later.status_code == 200


def test_faults_skip_control_api(fleet):
    fleet.set_faults([{"kind": "unavailable"}])
    response = requests.get(fleet.url + "/_emulator/state", timeout=10)

    assert response.status_code == 200


def test_faulted_call_logged(fleet):
    fleet.set_faults([{"kind": "throttle"}])
    call_v1(fleet, "DescribeRegions")
    entry = fleet.calls()[-1]

    assert entry["status"] == 400
    assert entry["code"] == "Throttling.User"
    assert entry["fault"] == "throttle"


def test_clear_faults(fleet):
    fleet.set_faults([{"kind": "unavailable"}])
    fleet.clear_faults()

    assert call_v1(fleet, "DescribeRegions").status_code == 200


@pytest.mark.parametrize("fault", [
    {"kind": "explode"},
    {"kind": "throttle", "code": "Throttling.Nope"},
    {"kind": "throttle", "rate": 2},
    {"kind": "qps"},
    {"kind": "latency", "latencyMs": 5, "limit": 3},
    {"kind": "internal_error", "nth": [0]},
])
def test_invalid_fault_rejected(fleet, fault):
    with pytest.raises(ValueError):
        fleet.set_faults([fault])

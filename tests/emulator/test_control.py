"""The control API under /_emulator/ and the call log."""

from __future__ import annotations

import pytest
import requests

from .conftest import RUNNING_1, SMALL_FLEET
from .helpers import call_v1, call_v3


def control(server, method, path, json=None):
    return requests.request(method, f"{server.url}/_emulator/{path}", json=json, timeout=10)


def test_reset_replaces_state(emulator):
    response = control(emulator, "POST", "reset", SMALL_FLEET)
    state = control(emulator, "GET", "state").json()

    assert response.json() == {"instances": len(SMALL_FLEET["instances"])}
    assert [i["InstanceId"] for i in state["instances"]][0] == RUNNING_1
    assert state["regions"] == ["xx-test-1"]
    assert set(state["settings"]) >= {"transition_describes", "transition_seconds"}


def test_reset_settings_from_spec(emulator):
    control(emulator, "POST", "reset", {"instances": [], "settings": {"transition_seconds": 2}})

    assert emulator.state()["settings"]["transition_seconds"] == 2


def test_extra_region_usable(emulator):
    control(emulator, "POST", "reset", SMALL_FLEET)
    response = call_v1(emulator, "DescribeInstances", {"RegionId": "xx-test-1"})

    assert response.status_code == 200
    assert response.json()["TotalCount"] == 0


def test_launch_instances(fleet):
    response = control(fleet, "POST", "instances",
                       {"instances": [{"RegionId": "cn-shanghai", "Tags": {"a": "1"}}]})
    (launched,) = response.json()["instances"]

    assert launched["Status"] == "Pending"
    assert launched["Tags"] == {"a": "1"}
    assert launched["InstanceId"] in [i["InstanceId"] for i in fleet.state()["instances"]]


def test_launch_duplicate_id_rejected(fleet):
    response = control(fleet, "POST", "instances", [{"InstanceId": RUNNING_1}])

    assert response.status_code == 400
    assert RUNNING_1 in response.json()["error"]


@pytest.mark.parametrize(("spec", "fragment"), [
    ({"instances": [{"Status": "Exploded"}]}, "Status"),
    ({"instances": [{"CloudAssistant": "maybe"}]}, "CloudAssistant"),
    ({"instances": [{"CreationTime": "2024-01-01 00:00"}]}, "CreationTime"),
    ({"instances": [{"Color": "red"}]}, "Color"),
    ({"instances": [{"Tags": {"k": 1}}]}, "Tags"),
    ({"hosts": []}, "hosts"),
    ({"instances": [{"InstanceId": "i-1"}, {"InstanceId": "i-1"}]}, "i-1"),
])
def test_invalid_spec_rejected(fleet, spec, fragment):
    response = control(fleet, "POST", "reset", spec)

    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert len(fleet.state()["instances"]) == len(SMALL_FLEET["instances"])


def test_calls_logged_with_params(fleet):
    call_v1(fleet, "DescribeInstances", {"RegionId": "cn-hangzhou"})
    (entry,) = control(fleet, "GET", "calls").json()["calls"]

    assert entry["action"] == "DescribeInstances"
    assert entry["regionId"] == "cn-hangzhou"
    assert entry["status"] == 200
    assert entry["code"] is None
    assert entry["signatureVersion"] == "v1"
    assert "Signature" not in entry["params"]
    assert entry["params"]["SignatureNonce"]
    assert isinstance(entry["time"], float)


def test_v3_call_logged_with_header_action(fleet):
    call_v3(fleet, "DescribeInstances", {"RegionId": "cn-hangzhou"})
    entry = fleet.calls()[-1]

    assert entry["params"]["Action"] == "DescribeInstances"
    assert entry["params"]["Version"] == "2014-05-26"
    assert entry["signatureVersion"] == "v3"
    assert "Authorization" not in entry["params"]


def test_failed_call_logged(fleet):
    call_v1(fleet, "DescribeRegions", secret="bad")
    entry = fleet.calls()[-1]

    assert entry["status"] == 400
    assert entry["code"] == "SignatureDoesNotMatch"


def test_clear_calls(fleet):
    call_v1(fleet, "DescribeRegions")
    response = control(fleet, "DELETE", "calls")

    assert response.json() == {"cleared": 1}
    assert fleet.calls() == []


def test_faults_through_control_api(fleet):
    fault = {"kind": "throttle", "action": "DescribeRegions", "nth": [1]}
    posted = control(fleet, "POST", "faults", [fault]).json()
    throttled = call_v1(fleet, "DescribeRegions")
    listed = control(fleet, "GET", "faults").json()
    control(fleet, "DELETE", "faults")

    assert posted["faults"][0]["kind"] == "throttle"
    assert throttled.status_code == 400
    assert listed["faults"][0]["calls"] == 1
    assert control(fleet, "GET", "faults").json() == {"faults": []}


def test_invalid_fault_through_control_api(fleet):
    response = control(fleet, "POST", "faults", [{"kind": "nonsense"}])

    assert response.status_code == 400
    assert "nonsense" in response.json()["error"]


def test_settings_through_control_api(fleet):
    response = control(fleet, "POST", "settings", {"transition_describes": 4})

    assert response.json()["transition_describes"] == 4
    assert control(fleet, "GET", "settings").json()["transition_describes"] == 4


def test_unknown_setting_rejected(fleet):
    response = control(fleet, "POST", "settings", {"warp_speed": 9})

    assert response.status_code == 400
    assert "warp_speed" in response.json()["error"]


def test_unknown_control_path(fleet):
    assert control(fleet, "GET", "nothing").status_code == 404


def test_wrong_control_method(fleet):
    response = control(fleet, "GET", "reset")

    assert response.status_code == 405
    assert "POST" in response.json()["error"]


def test_control_body_not_json(fleet):
    response = requests.post(f"{fleet.url}/_emulator/reset", data=b"{nope", timeout=10)

    assert response.status_code == 400


def test_python_api_repr_hides_secret(fleet):
    assert "testsecret" not in repr(fleet)
    assert "testid" in repr(fleet)

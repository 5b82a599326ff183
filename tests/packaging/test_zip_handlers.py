"""Each code zip handles one real trigger payload against the ECS emulator over loopback HTTP.

The handler runs in a fresh Python 3.10 interpreter that can import only the
standard library and the unpacked zip, with the emulator's URL as ECS_ENDPOINT.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.packaging.conftest import invoke_in_zip, unpack

REGION = "cn-hangzhou"
INSTANCE_ID = "i-bp1c6kq0k2bsh9y4x3rs"
OTHER_INSTANCE_ID = "i-bp1d7lr1l3cti0z5y4st"
DONE_OUTCOMES = {"rebooted", "installed"}


def _fleet() -> dict:
    instances = [
        {"RegionId": REGION, "InstanceId": INSTANCE_ID, "Status": "Running", "CloudAssistant": "none"},
        {"RegionId": REGION, "InstanceId": OTHER_INSTANCE_ID, "Status": "Running",
         "CloudAssistant": "online"},
    ]
    return {"regions": [], "instances": instances}


def _running_event() -> str:
    event = {
        "id": "4c1f0e2d-7a3b-4e8f-9d61-0b2a5c7e9f11",
        "source": "acs.ecs",
        "specversion": "1.0",
        "type": "ecs:Instance:StateChange",
        "subject": f"acs:ecs:{REGION}:1234567890123456:instance/{INSTANCE_ID}",
        "time": "2024-05-20T10:15:30+08:00",
        "aliyunaccountid": "1234567890123456",
        "aliyuneventbusname": "default",
        "aliyunregionid": REGION,
        "data": {
            "resourceId": f"acs:ecs:{REGION}:1234567890123456:instance/{INSTANCE_ID}",
            "regionId": REGION,
            "content": {
                "resourceId": INSTANCE_ID,
                "resourceType": "ALIYUN::ECS::Instance",
                "state": "Running",
            },
        },
    }
    return json.dumps(event)


def _child_env(emulator_url: str) -> dict[str, str]:
    return {
        "ECS_ENDPOINT": emulator_url,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "testid",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret",
        "SWEEP_REGIONS": REGION,
        "LOG_LEVEL": "INFO",
    }


def _request(function: str, timeout: int, **fields) -> dict:
    base = {
        "function": function,
        "timeout": timeout,
        "region": REGION,
        "access_key_id": "testid",
        "access_key_secret": "testsecret",
    }
    return {**base, **fields}


def _outcomes(instances: list[dict]) -> dict[str, str]:
    """Map instance IDs to outcomes in a handler report (camelCase) or an HTTP response (PascalCase)."""
    outcomes = {}
    for item in instances:
        outcomes[item.get("instanceId", item.get("InstanceId"))] = item.get("outcome", item.get("Outcome"))
    return outcomes


def _install_calls(emulator) -> list[dict]:
    return [
        call
        for call in emulator.calls()
        if call["action"] == "InstallCloudAssistant" and call["status"] == 200
    ]


def _agent_of(emulator, instance_id: str) -> str:
    instances = emulator.state()["instances"]
    return next(item["CloudAssistant"] for item in instances if item["InstanceId"] == instance_id)


@pytest.fixture
def fleet(emulator):
    emulator.reset(_fleet())
    return emulator


def test_instance_event_from_zip(built_zips, fleet, tmp_path):
    code_dir = unpack(built_zips["instance_events"], tmp_path / "code")
    request = _request("instance_events", 120, kind="event", event=_running_event())

    result = invoke_in_zip(code_dir, request, _child_env(fleet.url), tmp_path)

    report = json.loads(result["body"])
    assert _outcomes(report["instances"])[INSTANCE_ID] in DONE_OUTCOMES
    assert OTHER_INSTANCE_ID not in _outcomes(report["instances"])
    assert len(_install_calls(fleet)) == 1
    assert _agent_of(fleet, INSTANCE_ID) != "none"


def test_timer_sweep_from_zip(built_zips, fleet, tmp_path):
    code_dir = unpack(built_zips["scheduled_sweep"], tmp_path / "code")
    timer_event = {"triggerTime": "2024-05-20T04:00:00Z", "triggerName": "sweep-timer", "payload": ""}
    request = _request("scheduled_sweep", 600, kind="event", event=json.dumps(timer_event))

    result = invoke_in_zip(code_dir, request, _child_env(fleet.url), tmp_path)

    report = json.loads(result["body"])
    assert _outcomes(report["instances"])[INSTANCE_ID] in DONE_OUTCOMES
    assert len(_install_calls(fleet)) == 1
    assert _agent_of(fleet, INSTANCE_ID) != "none"


def test_http_install_from_zip(built_zips, fleet, tmp_path):
    code_dir = unpack(built_zips["http_api"], tmp_path / "code")
    query = urlencode(
        {
            "Action": "InstallCloudAssistant",
            "RegionId": REGION,
            "InstanceIds": json.dumps([INSTANCE_ID]),
        }
    )
    request = _request("http_api", 60, kind="wsgi", method="GET", path="/", query=query, body="")

    result = invoke_in_zip(code_dir, request, _child_env(fleet.url), tmp_path)

    # The HTTP API returns the InstallCloudAssistant response form.
    assert result["status"].startswith("200"), result
    response = json.loads(result["body"])
    assert response["RequestId"] == "zip-test-http_api"
    assert _outcomes(response["Instances"])[INSTANCE_ID] in DONE_OUTCOMES
    assert len(_install_calls(fleet)) == 1
    assert _agent_of(fleet, INSTANCE_ID) != "none"

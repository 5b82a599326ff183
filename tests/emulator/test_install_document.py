"""InstallCloudAssistant as its API document describes it, and in its current InstanceId.N form."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from .conftest import RUNNING_1, RUNNING_2
from .helpers import call_v1

# The document's request example sends a JSON array with a space after the comma.
DOCUMENT_IDS = f'["{RUNNING_1}", "{RUNNING_2}"]'


def agents(server) -> dict:
    return {i["InstanceId"]: i["CloudAssistant"] for i in server.state()["instances"]}


def test_document_request_example(fleet):
    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": DOCUMENT_IDS})

    assert response.status_code == 200
    assert agents(fleet)[RUNNING_1] == "installed"
    assert agents(fleet)[RUNNING_2] == "installed"


def test_json_response_example(fleet):
    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": DOCUMENT_IDS})

    assert list(response.json()) == ["RequestId"]


def test_xml_response_root(fleet):
    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": DOCUMENT_IDS}, fmt="XML")
    root = ET.fromstring(response.content)

    assert root.tag == "InstallCloudAssistantResponse"
    assert [child.tag for child in root] == ["RequestId"]


def test_xml_is_v1_default(fleet):
    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": DOCUMENT_IDS}, fmt=None)

    assert ET.fromstring(response.content).tag == "InstallCloudAssistantResponse"


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"InstanceIds": DOCUMENT_IDS}, 400, "MissingParameter.RegionId"),
    ({"RegionId": "cn-hangzhou"}, 400, "MissingParameter.InstanceIds"),
    ({"RegionId": "cn-hangzhou", "InstanceIds": '["i-bp1doesnotexist0000"]'}, 404,
     "InvalidInstance.NotFound"),
    ({"RegionId": "xx-nowhere-1", "InstanceIds": DOCUMENT_IDS}, 404,
     "InvalidRegionId.NotFound"),
])
def test_document_error_codes(fleet, params, status, code):
    response = call_v1(fleet, "InstallCloudAssistant", params)

    assert response.status_code == status
    assert response.json()["Code"] == code


def test_mixed_ids_change_nothing(fleet):
    ids = json.dumps([RUNNING_1, "i-bp1doesnotexist0000"])
    call_v1(fleet, "InstallCloudAssistant", {"RegionId": "cn-hangzhou", "InstanceIds": ids})

    assert agents(fleet)[RUNNING_1] == "none"


def test_json_form_accepts_100(fleet):
    ids = [f"i-gen{n:017d}" for n in range(100)]
    fleet.launch([{"RegionId": "cn-hangzhou", "InstanceId": i} for i in ids])
    fleet.settings(transition_describes=0)
    fleet.state()

    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": json.dumps(ids)})

    assert response.status_code == 200


def test_json_form_rejects_101(fleet):
    ids = json.dumps([f"i-gen{n:017d}" for n in range(101)])
    response = call_v1(fleet, "InstallCloudAssistant",
                       {"RegionId": "cn-hangzhou", "InstanceIds": ids})

    assert response.status_code == 400
    assert response.json()["Code"] == "InvalidParameter"


def test_repeat_form_rejects_51(fleet):
    params = {f"InstanceId.{n}": f"i-gen{n:017d}" for n in range(1, 52)}
    response = call_v1(fleet, "InstallCloudAssistant", dict(params, RegionId="cn-hangzhou"))

    assert response.status_code == 400
    assert response.json()["Code"] == "InvalidParameter"


def test_both_forms_rejected(fleet):
    params = {"RegionId": "cn-hangzhou", "InstanceIds": f'["{RUNNING_1}"]',
              "InstanceId.1": RUNNING_2}
    response = call_v1(fleet, "InstallCloudAssistant", params)

    assert response.status_code == 400
    assert response.json()["Code"] == "InvalidParameter"

"""http_api end to end: the documented request forms, response shapes, errors and auth modes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from tests.functions.conftest import load_json
from tests.installer.helpers import instance, mutating_calls

REAL = ["i-httpreal0000000001", "i-httpreal0000000002"]
DOCUMENT_IDS = ["i-bp11f7trr4hbi1xxxxxx", "i-bp1iudwa5b1tqaxxxxxx"]
TOKEN = "a-long-enough-test-token"


@pytest.fixture
def api(emulator, make_function):
    emulator.reset({"regions": [], "instances": [instance(REAL[0], age_minutes=5), instance(REAL[1], agent="online")]})
    return make_function("http_api", HTTP_AUTH_MODE="token", HTTP_API_TOKEN=TOKEN, HTTP_MAX_BODY_BYTES="2048")


def _get(api, query: dict, headers: dict | None = None):
    return api.http("GET", "/", query=query, headers={"X-Api-Token": TOKEN, **(headers or {})})


def _install_query(ids, region="cn-hangzhou", **extra):
    return {"Action": "InstallCloudAssistant", "RegionId": region, "InstanceIds": json.dumps(ids), **extra}


def test_document_example_installs(api):
    response = _get(api, _install_query(REAL))

    assert response.status == 200
    body = response.json()
    assert body["RequestId"]
    assert {item["InstanceId"]: item["Outcome"] for item in body["Instances"]} == {
        REAL[0]: "rebooted", REAL[1]: "already_online"}


def test_document_ids_not_found(api):
    response = _get(api, _install_query(DOCUMENT_IDS))

    assert response.status == 404
    assert response.json()["Code"] == "InvalidInstance.NotFound"
    assert response.json()["Message"] == "The specified instances do not exist."


def test_fixture_request_forms(api):
    for name in ("http_install_query.json", "http_install_json_body.json"):
        request = load_json(name)
        headers = {**request.get("headers", {}), "X-Api-Token": TOKEN}
        body = request.get("body") or b""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)

        response = api.http(request["method"], request.get("path", "/"), query=request.get("query"),
                            headers=headers, body=body)

        assert response.status == 404, name
        assert response.json()["Code"] == "InvalidInstance.NotFound", name


def test_partial_unknown_is_ok(api):
    response = _get(api, _install_query([REAL[1], DOCUMENT_IDS[0]]))

    assert response.status == 200
    outcomes = {item["InstanceId"]: item["Outcome"] for item in response.json()["Instances"]}
    assert outcomes == {REAL[1]: "already_online", DOCUMENT_IDS[0]: "not_found"}


def test_numbered_and_form_body(api):
    numbered = {"Action": "InstallCloudAssistant", "RegionId": "cn-hangzhou", "InstanceId.1": REAL[1]}
    form = "Action=InstallCloudAssistant&RegionId=cn-hangzhou&InstanceId.1=" + REAL[1]

    by_query = _get(api, numbered)
    by_form = api.http("POST", "/", headers={"X-Api-Token": TOKEN, "Content-Type": "application/x-www-form-urlencoded"},
                       body=form)

    assert by_query.status == 200
    assert by_form.status == 200
    assert by_form.json()["Instances"][0]["Outcome"] == "already_online"


def test_json_body(api):
    body = json.dumps({"Action": "InstallCloudAssistant", "RegionId": "cn-hangzhou", "InstanceIds": [REAL[1]]})

    response = api.http("POST", "/", headers={"X-Api-Token": TOKEN, "Content-Type": "application/json"}, body=body)

    assert response.status == 200
    assert response.json()["Instances"][0]["InstanceId"] == REAL[1]


def test_xml_format(api):
    response = _get(api, _install_query([REAL[1]], Format="XML"))

    assert response.status == 200
    assert response.header("Content-Type").startswith("text/xml")
    root = ElementTree.fromstring(response.body)
    assert root.tag == "InstallCloudAssistantResponse"
    assert root.find("RequestId").text
    assert root.find("Instances/Instance/Outcome").text == "already_online"


def test_xml_error(api):
    response = _get(api, _install_query(DOCUMENT_IDS, Format="XML"))

    root = ElementTree.fromstring(response.body)
    assert response.status == 404
    assert root.tag == "Error"
    assert root.find("Code").text == "InvalidInstance.NotFound"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"Action": "InstallCloudAssistant", "InstanceIds": json.dumps(REAL)}, 400, "MissingParameter.RegionId"),
        ({"Action": "InstallCloudAssistant", "RegionId": "cn-hangzhou"}, 400, "MissingParameter.InstanceIds"),
        (_install_query([]), 400, "MissingParameter.InstanceIds"),
        (_install_query(["i-bad&x=1"]), 400, "InvalidParameter.InstanceIds"),
        (_install_query([f"i-{n:020d}" for n in range(101)]), 400, "InvalidParameter.InstanceIds"),
        ({**_install_query(REAL), "InstanceIds": "[not json"}, 400, "InvalidParameter.InstanceIds"),
        (_install_query(REAL, region="xx-nowhere-1"), 404, "InvalidRegionId.NotFound"),
        (_install_query(REAL, region="cn-hangzhou&Action=RebootInstances"), 400, "InvalidParameter.RegionId"),
        ({**_install_query(REAL), "InstanceId.1": REAL[0]}, 400, "InvalidParameter.InstanceIds"),
        (_install_query(REAL, Format="YAML"), 400, "InvalidParameter.Format"),
        ({"Action": "RebootInstances", "RegionId": "cn-hangzhou"}, 404, "InvalidApi.NotFound"),
        ({"RegionId": "cn-hangzhou"}, 400, "MissingParameter.Action"),
    ],
)
def test_errors_use_documented_codes(api, emulator, query, status, code):
    response = _get(api, query)

    assert response.status == status
    assert response.json()["Code"] == code
    assert "Traceback" not in response.body.decode()
    assert mutating_calls(emulator) == []


def test_bad_ids_do_nothing(api, emulator):
    _get(api, _install_query([REAL[0], "AY130828101740048aee"]))

    assert emulator.calls() == []


def test_method_not_allowed(api):
    response = api.http("DELETE", "/", headers={"X-Api-Token": TOKEN})

    assert response.status == 405
    assert response.header("Allow") == "GET, POST"


def test_body_over_limit_refused(api):
    response = api.http("POST", "/", headers={"X-Api-Token": TOKEN, "Content-Type": "application/json"},
                        body="{" * 5000)

    assert response.status == 413
    assert response.json()["Code"] == "RequestEntityTooLarge"


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), " " + TOKEN])
def test_token_mode_rejects(api, emulator, token):
    headers = {} if token is None else {"X-Api-Token": token}

    response = api.http("GET", "/", query=_install_query(REAL), headers=headers)

    assert response.status == 401
    assert emulator.calls() == []


def test_none_mode_refuses_install(emulator, make_function):
    emulator.reset({"regions": [], "instances": [instance(REAL[1], agent="online")]})
    api = make_function("http_api", HTTP_AUTH_MODE="none")

    install = api.http("GET", "/", query=_install_query([REAL[1]]))
    status = api.http("GET", "/", query={"Action": "DescribeCloudAssistantStatus", "RegionId": "cn-hangzhou",
                                         "InstanceIds": json.dumps([REAL[1]])})

    assert install.status == 403
    assert status.status == 200
    [item] = status.json()["InstanceCloudAssistantStatusSet"]["InstanceCloudAssistantStatus"]
    assert item["InstanceId"] == REAL[1]
    assert item["CloudAssistantStatus"] == "true"


def test_region_outside_allowed(emulator, make_function):
    api = make_function("http_api", HTTP_AUTH_MODE="token", HTTP_API_TOKEN=TOKEN, ALLOWED_REGIONS="cn-shanghai")

    response = _get(api, _install_query(REAL))

    assert response.status == 403
    assert response.json()["Code"] == "Forbidden.Region"
    assert emulator.calls() == []


def test_all_failed_is_error_status(api, emulator):
    emulator.set_faults([{"kind": "unavailable", "action": "DescribeInstances", "rate": 1.0}])

    response = _get(api, _install_query(REAL))

    assert response.status == 503
    assert response.json()["Code"] == "ServiceUnavailable"
    assert "ServiceUnavailable" in response.json()["Message"]


def test_invalid_region_message_names_reason(api):
    response = _get(api, _install_query(REAL, region="cn-hangzhou&x=1"))

    assert "expected a form such as cn-hangzhou" in response.json()["Message"]

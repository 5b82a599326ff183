"""Every error code, with its HTTP status and the service's error envelope."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET

import pytest

from local.ecs_emulator import EmulatorServer

from .conftest import RUNNING_1, SMALL_FLEET, STOPPED
from .helpers import call_v1, call_v3, utc_timestamp

UPPER_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
REGION = {"RegionId": "cn-hangzhou"}


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["Code"]


# (case name, action, parameters, expected status, expected code)
ACTION_ERRORS = [
    ("missing region", "DescribeInstances", {}, 400, "MissingParameter.RegionId"),
    ("unknown region", "DescribeInstances", {"RegionId": "xx-nowhere-9"}, 404,
     "InvalidRegionId.NotFound"),
    ("unknown action", "RunInstances", REGION, 404, "InvalidApi.NotFound"),
    ("bad status", "DescribeInstances", dict(REGION, Status="Broken"), 400,
     "InvalidParameter.Status"),
    ("malformed ids", "DescribeInstances", dict(REGION, InstanceIds="i-1,i-2"), 400,
     "InvalidParameter.InstanceIds"),
    ("too many ids", "DescribeInstances",
     dict(REGION, InstanceIds=json.dumps([f"i-{n}" for n in range(101)])), 400,
     "InvalidParameter"),
    ("page too large", "DescribeInstances", dict(REGION, MaxResults="101"), 400,
     "InvalidParameter"),
    ("bad next token", "DescribeInstances", dict(REGION, NextToken="garbage"), 400,
     "InvalidParameter.NextToken"),
    ("unmodelled filter", "DescribeInstances", dict(REGION, VpcId="vpc-1"), 400,
     "UnsupportedParameter"),
    ("status page too large", "DescribeCloudAssistantStatus", dict(REGION, MaxResults="51"),
     400, "InvalidParameter"),
    ("status too many ids", "DescribeCloudAssistantStatus",
     dict(REGION, **{f"InstanceId.{n}": f"i-{n}" for n in range(1, 52)}), 400,
     "InvalidParameter"),
    ("bad os type", "DescribeCloudAssistantStatus", dict(REGION, OSType="Plan9"), 400,
     "InvalidParameter.OSType"),
    ("install no ids", "InstallCloudAssistant", REGION, 400, "MissingParameter.InstanceIds"),
    ("install unknown id", "InstallCloudAssistant", dict(REGION, **{"InstanceId.1": "i-x"}),
     404, "InvalidInstance.NotFound"),
    ("install stopped", "InstallCloudAssistant", dict(REGION, **{"InstanceId.1": STOPPED}),
     403, "IncorrectInstanceStatus"),
    ("reboot no id", "RebootInstance", {}, 400, "MissingParameter.InstanceId"),
    ("reboot unknown", "RebootInstance", {"InstanceId": "i-x"}, 404,
     "InvalidInstanceId.NotFound"),
    ("reboot stopped", "RebootInstance", {"InstanceId": STOPPED}, 403,
     "IncorrectInstanceStatus"),
    ("reboot dry run", "RebootInstance", {"InstanceId": RUNNING_1, "DryRun": "true"}, 400,
     "DryRunOperation"),
    ("reboot bad flag", "RebootInstance", {"InstanceId": RUNNING_1, "ForceStop": "yes"}, 400,
     "InvalidParameter.ForceStop"),
    ("batch bad mode", "RebootInstances",
     dict(REGION, BatchOptimization="Eventually", **{"InstanceId.1": RUNNING_1}), 400,
     "InvalidParameter.BatchOptimization"),
    ("batch too many", "RebootInstances",
     dict(REGION, **{f"InstanceId.{n}": f"i-{n}" for n in range(1, 102)}), 400,
     "InvalidParameter"),
    ("batch no ids", "RebootInstances", REGION, 400, "MissingParameter.InstanceId.N"),
    ("tag bad type", "TagResources",
     dict(REGION, ResourceType="disk", **{"ResourceId.1": RUNNING_1, "Tag.1.Key": "k"}), 400,
     "InvalidResourceType.NotSupported"),
    ("tag aliyun key", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": RUNNING_1,
                                              "Tag.1.Key": "aliyun-x"}), 400,
     "InvalidTagKey.Malformed"),
    ("tag long key", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": RUNNING_1,
                                              "Tag.1.Key": "k" * 129}), 400,
     "InvalidTagKey.Malformed"),
    ("tag long value", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": RUNNING_1, "Tag.1.Key": "k",
                                              "Tag.1.Value": "v" * 129}), 400,
     "InvalidTagValue.Malformed"),
    ("tag too many", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": RUNNING_1},
          **{f"Tag.{n}.Key": f"k{n}" for n in range(1, 22)}), 400, "InvalidParameter"),
    ("tag too many resources", "TagResources",
     dict(REGION, ResourceType="instance", **{"Tag.1.Key": "k"},
          **{f"ResourceId.{n}": f"i-{n}" for n in range(1, 52)}), 400, "InvalidParameter"),
    ("tag unknown resource", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": "i-x", "Tag.1.Key": "k"}), 404,
     "InvalidInstance.NotFound"),
    ("tag value without key", "TagResources",
     dict(REGION, ResourceType="instance", **{"ResourceId.1": RUNNING_1, "Tag.1.Value": "v"}),
     400, "MissingParameter.Tag.1.Key"),
]


@pytest.mark.parametrize(("action", "params", "status", "code"),
                         [pytest.param(*case[1:], id=case[0]) for case in ACTION_ERRORS])
def test_action_error_codes(fleet, action, params, status, code):
    response = call_v1(fleet, action, params)

    assert error_of(response) == (status, code)


def test_error_envelope_fields(fleet):
    response = call_v1(fleet, "DescribeInstances", {})
    body = response.json()

    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert UPPER_UUID.match(body["RequestId"])
    assert body["HostId"] == f"127.0.0.1:{fleet.port}"
    assert "RegionId" in body["Message"]
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"


def test_xml_error_envelope(fleet):
    response = call_v1(fleet, "DescribeInstances", {}, fmt="XML")
    root = ET.fromstring(response.content)

    assert response.headers["Content-Type"] == "text/xml;charset=utf-8"
    assert root.tag == "Error"
    assert root.findtext("Code") == "MissingParameter.RegionId"
    assert UPPER_UUID.match(root.findtext("RequestId"))


def test_wrong_secret_signature_mismatch(fleet):
    response = call_v1(fleet, "DescribeRegions", secret="not-the-secret")

    assert error_of(response) == (400, "SignatureDoesNotMatch")


def test_tampered_parameter_signature_mismatch(fleet):
    def tamper(query, headers):
        query["RegionId"] = "cn-shanghai"

    response = call_v3(fleet, "DescribeInstances", REGION, tamper=tamper)

    assert error_of(response) == (400, "SignatureDoesNotMatch")


def test_unknown_access_key(fleet):
    response = call_v1(fleet, "DescribeRegions", key_id="someone-else")

    assert error_of(response) == (404, "InvalidAccessKeyId.NotFound")


def test_reused_nonce_rejected(fleet):
    nonce = uuid.uuid4().hex
    first = call_v1(fleet, "DescribeRegions", SignatureNonce=nonce)
    second = call_v1(fleet, "DescribeRegions", SignatureNonce=nonce)

    assert first.status_code == 200
    assert error_of(second) == (400, "SignatureNonceUsed")


def test_reused_v3_nonce_rejected(fleet):
    nonce = uuid.uuid4().hex
    first = call_v3(fleet, "DescribeRegions", nonce=nonce)
    second = call_v3(fleet, "DescribeRegions", nonce=nonce)

    assert first.status_code == 200
    assert error_of(second) == (400, "SignatureNonceUsed")


@pytest.mark.parametrize("offset", [-16 * 60, 16 * 60])
def test_timestamp_outside_window(fleet, offset):
    response = call_v1(fleet, "DescribeRegions", Timestamp=utc_timestamp(offset))

    assert error_of(response) == (400, "InvalidTimeStamp.Expired")


def test_timestamp_inside_window(fleet):
    response = call_v1(fleet, "DescribeRegions", Timestamp=utc_timestamp(-14 * 60))

    assert response.status_code == 200


def test_v3_date_outside_window(fleet):
    response = call_v3(fleet, "DescribeRegions", date=utc_timestamp(-20 * 60))

    assert error_of(response) == (400, "InvalidTimeStamp.Expired")


def test_timestamp_bad_format(fleet):
    response = call_v1(fleet, "DescribeRegions", Timestamp="2024-01-01 00:00:00")

    assert error_of(response) == (400, "InvalidTimeStamp.Format")


@pytest.mark.parametrize("name", ["SignatureNonce", "Timestamp", "AccessKeyId"])
def test_missing_common_parameter(fleet, name):
    response = call_v1(fleet, "DescribeRegions", **{name: ""})

    assert error_of(response) == (400, f"Missing{name}")


def test_unsigned_request_missing_signature(fleet):
    import requests

    response = requests.get(fleet.url + "/", params={"Action": "DescribeRegions",
                                                     "Format": "JSON"}, timeout=10)

    assert error_of(response) == (400, "MissingSignature")


def test_wrong_signature_method(fleet):
    response = call_v1(fleet, "DescribeRegions", SignatureMethod="HMAC-SHA256")

    assert error_of(response) == (400, "InvalidSignatureMethod")


def test_wrong_api_version(fleet):
    response = call_v1(fleet, "DescribeRegions", Version="2016-01-01")

    assert error_of(response) == (400, "InvalidVersion")


def test_v3_unsigned_acs_header(fleet):
    def tamper(query, headers):
        headers["x-acs-extra"] = "unsigned"

    response = call_v3(fleet, "DescribeRegions", tamper=tamper)

    assert error_of(response) == (400, "IncompleteSignature")


def test_v3_body_hash_mismatch(fleet):
    def tamper(query, headers):
        headers["x-acs-content-sha256"] = "0" * 64

    response = call_v3(fleet, "DescribeRegions", tamper=tamper)

    assert error_of(response) == (400, "SignatureDoesNotMatch")


def test_v3_malformed_authorization(fleet):
    def tamper(query, headers):
        headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=testid"

    response = call_v3(fleet, "DescribeRegions", tamper=tamper)

    assert error_of(response) == (400, "IncompleteSignature")


@pytest.fixture(scope="module")
def sts_server():
    with EmulatorServer(security_token="sts-token-value", fleet=SMALL_FLEET) as server:
        yield server


def test_sts_call_with_token(sts_server):
    assert call_v1(sts_server, "DescribeRegions", token="sts-token-value").status_code == 200
    assert call_v3(sts_server, "DescribeRegions", token="sts-token-value").status_code == 200


def test_sts_call_without_token(sts_server):
    assert error_of(call_v1(sts_server, "DescribeRegions")) == (400, "MissingSecurityToken")
    assert error_of(call_v3(sts_server, "DescribeRegions")) == (400, "MissingSecurityToken")


def test_sts_call_wrong_token(sts_server):
    response = call_v1(sts_server, "DescribeRegions", token="other-token")

    assert error_of(response) == (400, "InvalidSecurityToken.MismatchWithAccessKey")
    assert "other-token" not in response.text


def test_token_for_permanent_key(fleet):
    response = call_v1(fleet, "DescribeRegions", token="unexpected")

    assert error_of(response) == (400, "InvalidSecurityToken.Malformed")


def test_token_never_in_signature_error(sts_server):
    response = call_v1(sts_server, "DescribeRegions", token="sts-token-value", secret="bad")

    assert error_of(response) == (400, "SignatureDoesNotMatch")
    assert "sts-token-value" not in response.text
    assert "testsecret" not in response.text


def test_token_redacted_in_call_log(sts_server):
    sts_server.clear_calls()
    call_v1(sts_server, "DescribeRegions", token="sts-token-value")
    entry = sts_server.calls()[-1]

    assert entry["params"]["SecurityToken"] == "<redacted>"
    assert "sts-token-value" not in json.dumps(sts_server.calls())

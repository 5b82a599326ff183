"""Request and response forms on the wire: methods, bodies, formats and keep-alive."""

from __future__ import annotations

import http.client
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import requests
from alibabacloud_openapi_util.client import Client as OpenApiUtil

from .conftest import RUNNING_1
from .helpers import call_v1, call_v3, v1_params


def test_post_with_form_body(fleet):
    response = call_v1(fleet, "DescribeInstances", method="POST",
                       form={"RegionId": "cn-hangzhou", "Status": "Stopped"})

    assert response.status_code == 200
    assert response.json()["TotalCount"] == 1


def test_post_signed_as_get_rejected(fleet):
    params = v1_params("DescribeRegions")
    params["Signature"] = OpenApiUtil.get_rpcsignature(params, "GET", "testsecret")
    response = requests.post(fleet.url + "/", params=params, timeout=10)

    assert response.json()["Code"] == "SignatureDoesNotMatch"


def test_lower_case_json_format(fleet):
    response = call_v1(fleet, "DescribeRegions", fmt="json")

    assert response.headers["Content-Type"] == "application/json;charset=utf-8"


def test_xml_lists_repeat_elements(fleet):
    response = call_v1(fleet, "DescribeInstances", {"RegionId": "cn-hangzhou"}, fmt="XML")
    root = ET.fromstring(response.content)

    assert root.tag == "DescribeInstancesResponse"
    assert len(root.findall("./Instances/Instance")) == 5
    assert root.find("./Instances/Instance/Tags/Tag/TagKey").text == "env"


def test_v3_defaults_to_json(fleet):
    response = call_v3(fleet, "DescribeRegions")

    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert "Regions" in response.json()


def test_v3_form_body_signed(fleet):
    body = urlencode({"RegionId": "cn-hangzhou", "InstanceIds": f'["{RUNNING_1}"]'}).encode()
    response = call_v3(fleet, "DescribeInstances", body=body,
                       extra_headers={"content-type": "application/x-www-form-urlencoded"})

    assert response.status_code == 200
    assert response.json()["Instances"]["Instance"][0]["InstanceId"] == RUNNING_1


def test_non_ascii_tag_value(fleet):
    params = {"RegionId": "cn-hangzhou", "ResourceType": "instance", "ResourceId.1": RUNNING_1,
              "Tag.1.Key": "owner name", "Tag.1.Value": "张三 *~+/=&"}
    response = call_v1(fleet, "TagResources", params)
    tags = {i["InstanceId"]: i["Tags"] for i in fleet.state()["instances"]}

    assert response.status_code == 200
    assert tags[RUNNING_1]["owner name"] == "张三 *~+/=&"


def test_keep_alive_connection_reused(fleet):
    connection = http.client.HTTPConnection("127.0.0.1", fleet.port, timeout=10)
    statuses = []
    for _ in range(3):
        params = v1_params("DescribeRegions")
        params["Signature"] = OpenApiUtil.get_rpcsignature(params, "GET", "testsecret")
        connection.request("GET", "/?" + urlencode(params))
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    socket_after = connection.sock

    assert statuses == [200, 200, 200]
    assert socket_after is not None


def test_request_id_header(fleet):
    response = call_v1(fleet, "DescribeRegions")

    assert response.headers["x-acs-request-id"] == response.json()["RequestId"]

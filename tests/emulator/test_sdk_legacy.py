"""The legacy SDK (aliyun-python-sdk-core with aliyun-python-sdk-ecs) drives every action."""

from __future__ import annotations

import json

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkecs.request.v20140526 import (
    DescribeCloudAssistantStatusRequest,
    DescribeInstancesRequest,
    DescribeRegionsRequest,
    InstallCloudAssistantRequest,
    ListTagResourcesRequest,
    RebootInstanceRequest,
    RebootInstancesRequest,
    TagResourcesRequest,
)

from .conftest import ONLINE, RUNNING_1, RUNNING_2, STOPPED
from .helpers import legacy_client, legacy_request


def call(server, request_module, **setters) -> dict:
    request_class = getattr(request_module, request_module.__name__.rsplit(".", 1)[-1])
    request = legacy_request(request_class, server, **setters)
    return json.loads(legacy_client().do_action_with_exception(request))


def test_describe_regions(fleet):
    body = call(fleet, DescribeRegionsRequest)

    assert "cn-shanghai" in [r["RegionId"] for r in body["Regions"]["Region"]]


def test_describe_instances_paging(fleet):
    first = call(fleet, DescribeInstancesRequest, MaxResults=4)
    second = call(fleet, DescribeInstancesRequest, MaxResults=4, NextToken=first["NextToken"])
    ids = [i["InstanceId"] for i in first["Instances"]["Instance"] + second["Instances"]
           ["Instance"]]

    assert len(ids) == 5
    assert len(set(ids)) == 5
    assert second["NextToken"] == ""


def test_describe_instances_by_ids(fleet):
    body = call(fleet, DescribeInstancesRequest, InstanceIds=json.dumps([ONLINE]))

    assert [i["InstanceId"] for i in body["Instances"]["Instance"]] == [ONLINE]


def test_install_and_status(fleet):
    call(fleet, InstallCloudAssistantRequest, InstanceIds=[RUNNING_1])
    body = call(fleet, DescribeCloudAssistantStatusRequest, InstanceIds=[RUNNING_1])
    item = body["InstanceCloudAssistantStatusSet"]["InstanceCloudAssistantStatus"][0]

    assert item["CloudAssistantStatus"] == "false"
    assert item["CloudAssistantVersion"] == ""
    assert fleet.state()["instances"][0]["CloudAssistant"] == "installed"


def test_reboot_instance_moves_to_starting(fleet):
    call(fleet, RebootInstanceRequest, InstanceId=RUNNING_1)
    body = call(fleet, DescribeInstancesRequest, InstanceIds=json.dumps([RUNNING_1]))

    assert body["Instances"]["Instance"][0]["Status"] == "Starting"


def test_reboot_instances_all_together(fleet):
    body = call(fleet, RebootInstancesRequest, InstanceIds=[RUNNING_1, RUNNING_2])
    codes = [r["Code"] for r in body["InstanceResponses"]["InstanceResponse"]]

    assert codes == ["200", "200"]


def test_reboot_stopped_instance_refused(fleet):
    with pytest.raises(ServerException) as raised:
        call(fleet, RebootInstanceRequest, InstanceId=STOPPED)

    assert raised.value.get_error_code() == "IncorrectInstanceStatus"
    assert raised.value.get_http_status() == 403


def test_tag_resources_then_list(fleet):
    call(fleet, TagResourcesRequest, ResourceType="instance", ResourceIds=[RUNNING_2],
         Tags=[{"Key": "marker", "Value": "rebooted:1"}])
    body = call(fleet, ListTagResourcesRequest, ResourceType="instance",
                ResourceIds=[RUNNING_2])
    tags = {r["TagKey"]: r["TagValue"] for r in body["TagResources"]["TagResource"]}

    assert tags == {"env": "dev", "marker": "rebooted:1"}


def test_reserved_tag_key_rejected(fleet):
    with pytest.raises(ServerException) as raised:
        call(fleet, TagResourcesRequest, ResourceType="instance", ResourceIds=[RUNNING_2],
             Tags=[{"Key": "acs:owner", "Value": "x"}])

    assert raised.value.get_error_code() == "InvalidTagKey.Malformed"


def test_unknown_reboot_target_not_found(fleet):
    with pytest.raises(ServerException) as raised:
        call(fleet, RebootInstanceRequest, InstanceId="i-bp1unknown000000000")

    assert raised.value.get_error_code() == "InvalidInstanceId.NotFound"
    assert raised.value.get_http_status() == 404

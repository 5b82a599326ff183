"""The official ECS SDK (alibabacloud-ecs20140526) drives every action, signing V3 and V1."""

from __future__ import annotations

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException

from local.ecs_emulator import EmulatorServer

from .conftest import ONLINE, RUNNING_1, RUNNING_2, SHANGHAI, STOPPED, WINDOWS
from .helpers import REGION, tea_client

SIGNING = [pytest.param(False, id="v3"), pytest.param(True, id="v1")]


@pytest.fixture(params=SIGNING)
def client(request, fleet):
    return tea_client(fleet, v1=request.param)


def test_describe_regions_lists_real_and_extra(client):
    body = client.describe_regions(ecs.DescribeRegionsRequest(accept_language="en-US")).body
    region_ids = [region.region_id for region in body.regions.region]

    assert "cn-hangzhou" in region_ids
    assert "xx-test-1" in region_ids
    hangzhou = next(r for r in body.regions.region if r.region_id == "cn-hangzhou")
    assert hangzhou.local_name == "China (Hangzhou)"


def test_describe_instances_by_ids(client):
    request = ecs.DescribeInstancesRequest(region_id=REGION,
                                           instance_ids=f'["{RUNNING_1}", "{STOPPED}"]')
    body = client.describe_instances(request).body
    found = {i.instance_id: i for i in body.instances.instance}

    assert set(found) == {RUNNING_1, STOPPED}
    assert found[RUNNING_1].status == "Running"
    assert found[STOPPED].status == "Stopped"
    assert found[RUNNING_1].creation_time == "2024-01-02T03:04Z"
    assert found[RUNNING_1].ostype == "linux"
    assert found[RUNNING_1].tags.tag[0].tag_key == "env"
    assert found[RUNNING_1].tags.tag[0].tag_value == "prod"


def test_describe_instances_status_and_tag(client):
    request = ecs.DescribeInstancesRequest(
        region_id=REGION, status="Running",
        tag=[ecs.DescribeInstancesRequestTag(key="env", value="prod")])
    body = client.describe_instances(request).body

    assert sorted(i.instance_id for i in body.instances.instance) == sorted([RUNNING_1, ONLINE])
    assert body.total_count == 2


def test_describe_cloud_assistant_status(client):
    request = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION,
                                                      instance_id=[RUNNING_1, ONLINE, WINDOWS])
    items = client.describe_cloud_assistant_status(request).body
    status = {i.instance_id: i for i in items.instance_cloud_assistant_status_set
              .instance_cloud_assistant_status}

    assert status[ONLINE].cloud_assistant_status == "true"
    assert status[ONLINE].cloud_assistant_version != ""
    assert status[RUNNING_1].cloud_assistant_status == "false"
    assert status[WINDOWS].ostype == "Windows"


def test_install_then_reboot_brings_agent_online(client):
    install = ecs.InstallCloudAssistantRequest(region_id=REGION, instance_id=[RUNNING_1])
    client.install_cloud_assistant(install)
    client.reboot_instance(ecs.RebootInstanceRequest(instance_id=RUNNING_1))
    status = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION, instance_id=[RUNNING_1])

    first = client.describe_cloud_assistant_status(status).body
    second = client.describe_cloud_assistant_status(status).body

    first_item = first.instance_cloud_assistant_status_set.instance_cloud_assistant_status[0]
    second_item = second.instance_cloud_assistant_status_set.instance_cloud_assistant_status[0]
    assert first_item.cloud_assistant_status == "false"
    assert second_item.cloud_assistant_status == "true"


def test_reboot_instance_dry_run(client):
    with pytest.raises(ClientException) as raised:
        client.reboot_instance(ecs.RebootInstanceRequest(instance_id=RUNNING_1, dry_run=True))

    assert raised.value.code == "DryRunOperation"
    assert client.describe_instances(ecs.DescribeInstancesRequest(
        region_id=REGION, instance_ids=f'["{RUNNING_1}"]')).body.instances.instance[0] \
        .status == "Running"


def test_reboot_instances_success_first(client):
    request = ecs.RebootInstancesRequest(region_id=REGION, instance_id=[RUNNING_2, STOPPED],
                                         batch_optimization="SuccessFirst")
    body = client.reboot_instances(request).body
    responses = {r.instance_id: r for r in body.instance_responses.instance_response}

    assert responses[RUNNING_2].code == "200"
    assert responses[RUNNING_2].current_status == "Starting"
    assert responses[STOPPED].code == "IncorrectInstanceStatus"
    assert responses[STOPPED].current_status == "Stopped"


def test_reboot_instances_all_together_refused(client):
    request = ecs.RebootInstancesRequest(region_id=REGION, instance_id=[RUNNING_2, STOPPED])

    with pytest.raises(ClientException) as raised:
        client.reboot_instances(request)

    assert raised.value.code == "IncorrectInstanceStatus"
    assert raised.value.status_code == 403


def test_tag_and_list_tag_resources(client):
    client.tag_resources(ecs.TagResourcesRequest(
        region_id=REGION, resource_type="instance", resource_id=[RUNNING_1, RUNNING_2],
        tag=[ecs.TagResourcesRequestTag(key="autoinstall", value="installed:x"),
             ecs.TagResourcesRequestTag(key="env", value="staging")]))
    listed = client.list_tag_resources(ecs.ListTagResourcesRequest(
        region_id=REGION, resource_type="instance", resource_id=[RUNNING_1])).body
    tags = {r.tag_key: r.tag_value for r in listed.tag_resources.tag_resource}

    assert tags == {"env": "staging", "autoinstall": "installed:x"}


def test_install_unknown_instance_error(client):
    request = ecs.InstallCloudAssistantRequest(region_id=REGION,
                                               instance_id=[RUNNING_1, "i-bp1unknown000000000"])

    with pytest.raises(ClientException) as raised:
        client.install_cloud_assistant(request)

    assert raised.value.code == "InvalidInstance.NotFound"
    assert raised.value.status_code == 404


def test_instance_in_other_region_not_found(client):
    request = ecs.InstallCloudAssistantRequest(region_id=REGION, instance_id=[SHANGHAI])

    with pytest.raises(ClientException) as raised:
        client.install_cloud_assistant(request)

    assert raised.value.code == "InvalidInstance.NotFound"


def test_wrong_secret_rejected(fleet):
    client = tea_client(fleet, secret="wrong")

    with pytest.raises(ClientException) as raised:
        client.describe_regions(ecs.DescribeRegionsRequest())

    assert raised.value.code == "SignatureDoesNotMatch"


def test_server_error_surfaces(fleet):
    fleet.set_faults([{"kind": "internal_error", "action": "DescribeRegions"}])
    client = tea_client(fleet)

    with pytest.raises(ServerException) as raised:
        client.describe_regions(ecs.DescribeRegionsRequest())

    assert raised.value.code == "InternalError"
    assert raised.value.status_code == 500


@pytest.fixture(scope="module")
def sts_server():
    with EmulatorServer(security_token="sts-token-value") as server:
        yield server


@pytest.mark.parametrize("v1", [False, True], ids=["v3", "v1"])
def test_sts_token_accepted(sts_server, v1):
    client = tea_client(sts_server, v1=v1, token="sts-token-value")

    body = client.describe_regions(ecs.DescribeRegionsRequest()).body

    assert len(body.regions.region) > 0


@pytest.mark.parametrize("v1", [False, True], ids=["v3", "v1"])
def test_sts_token_missing_rejected(sts_server, v1):
    client = tea_client(sts_server, v1=v1)

    with pytest.raises(ClientException) as raised:
        client.describe_regions(ecs.DescribeRegionsRequest())

    assert raised.value.code == "MissingSecurityToken"

"""Paging with MaxResults and NextToken, and with PageNumber and PageSize, at odd sizes."""

from __future__ import annotations

import pytest

from local.ecs_emulator import generate_fleet

from .helpers import call_v1

REGION = {"RegionId": "cn-hangzhou"}
FLEET_SIZE = 250  # 84 instances in cn-hangzhou with the default three regions


@pytest.fixture
def big(emulator):
    emulator.reset(generate_fleet(FLEET_SIZE, seed=3))
    emulator.settings(transition_describes=None, transition_seconds=None)
    return emulator


def region_instances(server, region="cn-hangzhou") -> list[dict]:
    return [i for i in server.state()["instances"] if i["RegionId"] == region]


def page_all(server, action, list_path, params, page_size, token=""):
    ids, pages = [], 0
    while True:
        values = dict(params, MaxResults=str(page_size))
        if token:
            values["NextToken"] = token
        body = call_v1(server, action, values).json()
        items = body
        for key in list_path:
            items = items[key]
        ids.extend(item["InstanceId"] for item in items)
        pages += 1
        token = body["NextToken"]
        if not token:
            return ids, pages


@pytest.mark.parametrize("page_size", [1, 7, 13, 100])
def test_token_paging_covers_region(big, page_size):
    expected = [i["InstanceId"] for i in region_instances(big)]

    ids, pages = page_all(big, "DescribeInstances", ("Instances", "Instance"), REGION, page_size)

    assert ids == expected
    assert pages == -(-len(expected) // page_size)


@pytest.mark.parametrize("page_size", [3, 11, 50])
def test_token_paging_with_status_filter(big, page_size):
    expected = [i["InstanceId"] for i in region_instances(big) if i["Status"] == "Running"]

    ids, _ = page_all(big, "DescribeInstances", ("Instances", "Instance"),
                      dict(REGION, Status="Running"), page_size)

    assert ids == expected


def test_token_paging_with_tag_filter(big):
    expected = [i["InstanceId"] for i in region_instances(big) if i["Tags"].get("env") == "prod"]
    params = dict(REGION, **{"Tag.1.Key": "env", "Tag.1.Value": "prod"})

    ids, _ = page_all(big, "DescribeInstances", ("Instances", "Instance"), params, 9)

    assert ids == expected


def test_tag_key_only_filter(big):
    expected = [i["InstanceId"] for i in region_instances(big) if "team" in i["Tags"]]
    ids, _ = page_all(big, "DescribeInstances", ("Instances", "Instance"),
                      dict(REGION, **{"Tag.1.Key": "team"}), 100)

    assert ids == expected


def test_total_count_with_filter(big):
    running = [i for i in region_instances(big) if i["Status"] == "Running"]
    body = call_v1(big, "DescribeInstances", dict(REGION, Status="Running", MaxResults="5")).json()

    assert body["TotalCount"] == len(running)


@pytest.mark.parametrize("page_size", [6, 17])
def test_page_number_paging(big, page_size):
    expected = [i["InstanceId"] for i in region_instances(big)]
    ids, page_number = [], 1
    while True:
        body = call_v1(big, "DescribeInstances", dict(
            REGION, PageSize=str(page_size), PageNumber=str(page_number))).json()
        items = body["Instances"]["Instance"]
        if not items:
            break
        assert body["PageNumber"] == page_number
        ids.extend(i["InstanceId"] for i in items)
        page_number += 1

    assert ids == expected
    assert body["TotalCount"] == len(expected)


def test_page_number_with_filter(big):
    expected = [i["InstanceId"] for i in region_instances(big) if i["Status"] == "Running"]
    body = call_v1(big, "DescribeInstances",
                   dict(REGION, Status="Running", PageSize="10", PageNumber="3")).json()

    assert [i["InstanceId"] for i in body["Instances"]["Instance"]] == expected[20:30]


def test_last_page_has_empty_token(big):
    count = len(region_instances(big))
    body = call_v1(big, "DescribeInstances", dict(REGION, MaxResults=str(count))).json()

    assert len(body["Instances"]["Instance"]) == count
    assert body["NextToken"] == ""


def test_token_bound_to_filters(big):
    first = call_v1(big, "DescribeInstances", dict(REGION, MaxResults="5")).json()
    reused = call_v1(big, "DescribeInstances", dict(REGION, Status="Running", MaxResults="5",
                                                     NextToken=first["NextToken"]))

    assert reused.status_code == 400
    assert reused.json()["Code"] == "InvalidParameter.NextToken"


def test_launch_during_paging_appears_last(big):
    first = call_v1(big, "DescribeInstances", dict(REGION, MaxResults="50")).json()
    big.launch([{"RegionId": "cn-hangzhou", "InstanceId": "i-bp1late00000000000"}])
    rest, _ = page_all(big, "DescribeInstances", ("Instances", "Instance"), REGION, 50,
                       token=first["NextToken"])
    ids = [i["InstanceId"] for i in first["Instances"]["Instance"]] + rest

    assert ids[:-1] == [i["InstanceId"] for i in region_instances(big)][:-1]
    assert ids[-1] == "i-bp1late00000000000"


@pytest.mark.parametrize("page_size", [1, 8, 50])
def test_agent_status_paging(big, page_size):
    expected = [i["InstanceId"] for i in region_instances(big)]

    ids, _ = page_all(big, "DescribeCloudAssistantStatus",
                      ("InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus"),
                      REGION, page_size)

    assert ids == expected


def test_agent_status_os_filter(big):
    expected = [i["InstanceId"] for i in region_instances(big) if i["OSType"] == "windows"]

    ids, _ = page_all(big, "DescribeCloudAssistantStatus",
                      ("InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus"),
                      dict(REGION, OSType="Windows"), 7)

    assert ids == expected


def test_agent_status_ids_ignore_paging(big):
    wanted = [i["InstanceId"] for i in region_instances(big)][:12]
    params = dict(REGION, MaxResults="5", **{f"InstanceId.{n}": instance_id
                                             for n, instance_id in enumerate(wanted, 1)})
    body = call_v1(big, "DescribeCloudAssistantStatus", params).json()
    items = body["InstanceCloudAssistantStatusSet"]["InstanceCloudAssistantStatus"]

    assert [i["InstanceId"] for i in items] == wanted
    assert body["NextToken"] == ""


def test_list_tag_resources_paging(big):
    expected = sum(len(i["Tags"]) for i in region_instances(big))
    rows, token = [], ""
    while True:
        params = dict(REGION, ResourceType="instance")
        if token:
            params["NextToken"] = token
        body = call_v1(big, "ListTagResources", params).json()
        rows.extend(body["TagResources"]["TagResource"])
        token = body["NextToken"]
        if not token:
            break

    assert len(rows) == expected
    assert expected > 50


def test_unknown_ids_left_out(big):
    known = region_instances(big)[0]["InstanceId"]
    body = call_v1(big, "DescribeInstances",
                   dict(REGION, InstanceIds=f'["{known}", "i-bp1unknown000000000"]')).json()

    assert [i["InstanceId"] for i in body["Instances"]["Instance"]] == [known]


def test_empty_id_list_returns_nothing(big):
    body = call_v1(big, "DescribeInstances", dict(REGION, InstanceIds="[]")).json()

    assert body["Instances"]["Instance"] == []
    assert body["TotalCount"] == 0

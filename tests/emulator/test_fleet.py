"""The seeded fleet generator."""

from __future__ import annotations

import json
import re

import pytest

from local.ecs_emulator import EmulatorServer, generate_fleet

from .helpers import call_v1

ID_PATTERN = re.compile(r"^i-[a-z0-9]{20}$")
TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$")


def test_same_seed_same_fleet():
    first = generate_fleet(200, seed=5)
    second = generate_fleet(200, seed=5)

    assert [i["InstanceId"] for i in first["instances"]] == [
        i["InstanceId"] for i in second["instances"]]


def test_other_seed_other_fleet():
    first = generate_fleet(50, seed=1)["instances"]
    second = generate_fleet(50, seed=2)["instances"]

    assert [i["InstanceId"] for i in first] != [i["InstanceId"] for i in second]


def test_fleet_fields_realistic():
    instances = generate_fleet(2000, seed=1)["instances"]

    assert all(ID_PATTERN.match(i["InstanceId"]) for i in instances)
    assert all(TIME_PATTERN.match(i["CreationTime"]) for i in instances)
    assert {i["RegionId"] for i in instances} == {"cn-hangzhou", "cn-shanghai", "ap-southeast-1"}
    assert {i["OSType"] for i in instances} == {"linux", "windows"}
    assert {i["Status"] for i in instances} == {"Running", "Stopped", "Pending", "Starting",
                                                "Stopping"}
    assert {i["CloudAssistant"] for i in instances} == {"none", "installed", "online"}
    assert any(i["Tags"] for i in instances)
    assert any(not i["Tags"] for i in instances)


@pytest.mark.parametrize("ratio", [0.0, 0.25, 1.0])
def test_missing_ratio_respected(ratio):
    instances = generate_fleet(4000, missing_ratio=ratio, seed=9)["instances"]
    missing = sum(1 for i in instances if i["CloudAssistant"] == "none") / len(instances)

    assert abs(missing - ratio) < 0.03


def test_custom_regions_declared():
    spec = generate_fleet(10, regions=("cn-beijing", "xx-lab-1"), seed=0)

    assert spec["regions"] == ["xx-lab-1"]
    assert {i["RegionId"] for i in spec["instances"]} == {"cn-beijing", "xx-lab-1"}


def test_invalid_arguments_rejected():
    with pytest.raises(ValueError, match="missing_ratio"):
        generate_fleet(10, missing_ratio=1.5)
    with pytest.raises(ValueError, match="region"):
        generate_fleet(10, regions=())


def test_spec_round_trips_through_state():
    spec = generate_fleet(300, seed=4)
    with EmulatorServer(fleet=json.loads(json.dumps(spec))) as server:
        server.settings(transition_describes=None, transition_seconds=None)
        state = server.state()

    fields = ("RegionId", "Status", "OSType", "CloudAssistant", "CreationTime", "Tags")
    loaded = {i["InstanceId"]: tuple(i[f] for f in fields) for i in state["instances"]}
    generated = {i["InstanceId"]: tuple(i[f] for f in fields) for i in spec["instances"]}

    assert loaded == generated


def test_hundred_thousand_instances_paged():
    spec = generate_fleet(100_000, seed=11)
    expected = sum(1 for i in spec["instances"] if i["RegionId"] == "cn-shanghai")
    with EmulatorServer(fleet=spec) as server:
        last = call_v1(server, "DescribeInstances", {"RegionId": "cn-shanghai",
                                                     "PageSize": "100",
                                                     "PageNumber": str(expected // 100 + 1)})
        body = last.json()

    assert body["TotalCount"] == expected
    assert len(body["Instances"]["Instance"]) == expected % 100

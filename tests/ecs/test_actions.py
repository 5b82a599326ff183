"""Every action against the ECS emulator over loopback HTTP, with both signature versions."""

from __future__ import annotations

import json
import math
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from shared.ecs import ECS_ACTIONS, ClientError, Instance
from shared.ecs.session import thread_session
from tests.ecs.helpers import REGION, calls_of, fleet, instance_id, make_client

VERSIONS = pytest.mark.parametrize("version", ["v3", "v1"])
REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def all_instances(pages) -> list[Instance]:
    return [instance for page in pages for instance in page]


@VERSIONS
def test_describe_regions_central(emulator, version):
    client = make_client(emulator.url, signature_version=version)
    regions = client.describe_regions()

    ids = {region.region_id for region in regions}
    assert {"cn-hangzhou", "cn-shanghai", "ap-southeast-1"} <= ids
    assert all(region.status for region in regions)
    assert calls_of(emulator, "DescribeRegions")[0]["regionId"] is None
    assert calls_of(emulator, "DescribeRegions")[0]["signatureVersion"] == version


def test_describe_regions_with_region(emulator):
    client = make_client(emulator.url)
    client.describe_regions("cn-shanghai")
    assert calls_of(emulator, "DescribeRegions")[0]["regionId"] == "cn-shanghai"


def test_describe_regions_english_names(emulator):
    regions = make_client(emulator.url).describe_regions()
    hangzhou = next(region for region in regions if region.region_id == "cn-hangzhou")
    assert hangzhou.local_name.isascii()


@VERSIONS
@pytest.mark.parametrize("page_size", [1, 7, 100])
def test_describe_instances_pages(emulator, version, page_size):
    emulator.reset(fleet(23))
    client = make_client(emulator.url, signature_version=version)

    pages = list(client.describe_instances(REGION, page_size=page_size))

    assert sorted(i.instance_id for i in all_instances(pages)) == [instance_id(n) for n in range(23)]
    assert all(1 <= len(page) <= page_size for page in pages)
    assert len(pages) == math.ceil(23 / page_size)
    assert client.call_counts["DescribeInstances"] == math.ceil(23 / page_size)


def test_describe_instances_fields(emulator):
    spec = fleet(1, Tags={"env": "prod", "team": ""}, OSType="windows")
    emulator.reset(spec)
    (instance,) = all_instances(make_client(emulator.url).describe_instances(REGION))

    assert instance.instance_id == instance_id(0)
    assert instance.region_id == REGION
    assert instance.status == "Running"
    assert instance.os_type == "windows"
    assert instance.creation_time == datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
    assert instance.tags == {"env": "prod", "team": ""}
    assert instance.start_time is None or instance.start_time.tzinfo is timezone.utc


def test_describe_instances_chunks_ids(emulator):
    emulator.reset(fleet(250))
    client = make_client(emulator.url)
    wanted = [instance_id(n) for n in range(250)]

    found = all_instances(client.describe_instances(REGION, wanted + wanted[:5], page_size=60))

    assert sorted(i.instance_id for i in found) == sorted(wanted)
    sent = [json.loads(call["params"]["InstanceIds"]) for call in calls_of(emulator, "DescribeInstances")]
    assert all(len(ids) <= 100 for ids in sent)
    assert sorted({i for ids in sent for i in ids}) == sorted(wanted)


def test_describe_instances_status_filter(emulator):
    spec = fleet(6)
    for entry in spec["instances"][:2]:
        entry["Status"] = "Stopped"
    emulator.reset(spec)

    stopped = all_instances(make_client(emulator.url).describe_instances(REGION, status="Stopped"))

    assert sorted(i.instance_id for i in stopped) == [instance_id(0), instance_id(1)]
    assert calls_of(emulator, "DescribeInstances")[0]["params"]["Status"] == "Stopped"


def test_describe_instances_tag_filters(emulator):
    spec = fleet(4)
    spec["instances"][0]["Tags"] = {"env": "prod"}
    spec["instances"][1]["Tags"] = {"env": "dev"}
    spec["instances"][2]["Tags"] = {"owner": "ops"}
    emulator.reset(spec)
    client = make_client(emulator.url)

    prod = all_instances(client.describe_instances(REGION, tags={"env": "prod"}))
    any_env = all_instances(client.describe_instances(REGION, tags={"env": None}))

    assert [i.instance_id for i in prod] == [instance_id(0)]
    assert sorted(i.instance_id for i in any_env) == [instance_id(0), instance_id(1)]


def test_describe_instances_checks_arguments_first(emulator):
    client = make_client(emulator.url)
    with pytest.raises(ValueError, match="page_size"):
        client.describe_instances(REGION, page_size=101)
    with pytest.raises(ValueError, match="status"):
        client.describe_instances(REGION, status="running")
    assert emulator.calls() == []


def test_describe_instances_empty_id_list(emulator):
    emulator.reset(fleet(3))
    assert list(make_client(emulator.url).describe_instances(REGION, [])) == []


@VERSIONS
def test_agent_status_chunks_and_bools(emulator, version):
    spec = fleet(120)
    for number, entry in enumerate(spec["instances"]):
        entry["CloudAssistant"] = "online" if number % 3 == 0 else "none"
    emulator.reset(spec)
    ids = [instance_id(n) for n in range(120)]

    statuses = make_client(emulator.url, signature_version=version).describe_cloud_assistant_status(
        REGION, ids
    )

    assert list(statuses) == ids
    assert all(statuses[instance_id(n)].online is (n % 3 == 0) for n in range(120))
    assert statuses[instance_id(0)].version
    calls = calls_of(emulator, "DescribeCloudAssistantStatus")
    assert [sum(name.startswith("InstanceId.") for name in call["params"]) for call in calls] == [50, 50, 20]


@VERSIONS
def test_install_cloud_assistant(emulator, version):
    emulator.reset(fleet(3))
    ids = [instance_id(n) for n in range(3)]

    request_id = make_client(emulator.url, signature_version=version).install_cloud_assistant(REGION, ids)

    assert REQUEST_ID.fullmatch(request_id)
    agents = {entry["InstanceId"]: entry["CloudAssistant"] for entry in emulator.state()["instances"]}
    assert all(agents[i] == "installed" for i in ids)
    params = calls_of(emulator, "InstallCloudAssistant")[0]["params"]
    assert [params[f"InstanceId.{n + 1}"] for n in range(3)] == ids


def test_install_rejects_more_than_fifty(emulator):
    with pytest.raises(ValueError, match="at most 50"):
        make_client(emulator.url).install_cloud_assistant(REGION, [instance_id(n) for n in range(51)])
    assert emulator.calls() == []


def test_install_unknown_instance_not_found(emulator):
    emulator.reset(fleet(1))
    with pytest.raises(ClientError) as raised:
        make_client(emulator.url).install_cloud_assistant(REGION, [instance_id(0), "i-doesnotexist00000000"])
    assert raised.value.code == "InvalidInstance.NotFound"
    assert raised.value.http_status == 404
    assert raised.value.retryable is False


@VERSIONS
def test_reboot_instances_results(emulator, version):
    spec = fleet(3)
    spec["instances"][2]["Status"] = "Stopped"
    emulator.reset(spec)
    ids = [instance_id(n) for n in range(3)]

    request_id, results = make_client(emulator.url, signature_version=version).reboot_instances(REGION, ids)

    assert REQUEST_ID.fullmatch(request_id)
    assert [result.instance_id for result in results] == ids
    assert [result.ok for result in results] == [True, True, False]
    assert results[0].previous_status == "Running"
    assert results[0].current_status == "Starting"
    assert results[2].code == "IncorrectInstanceStatus"
    params = calls_of(emulator, "RebootInstances")[0]["params"]
    assert params["BatchOptimization"] == "SuccessFirst"
    assert params["ForceReboot"] == "false"


def test_reboot_instances_rejects_over_hundred(emulator):
    with pytest.raises(ValueError, match="at most 100"):
        make_client(emulator.url).reboot_instances(REGION, [instance_id(n) for n in range(101)])


@VERSIONS
def test_reboot_instance(emulator, version):
    emulator.reset(fleet(1))
    request_id = make_client(emulator.url, signature_version=version).reboot_instance(
        REGION, instance_id(0), force=True
    )

    assert REQUEST_ID.fullmatch(request_id)
    assert emulator.state()["instances"][0]["Status"] == "Starting"
    assert calls_of(emulator, "RebootInstance")[0]["params"]["ForceStop"] == "true"


def test_reboot_stopped_instance_rejected(emulator):
    emulator.reset(fleet(1, Status="Stopped"))
    with pytest.raises(ClientError) as raised:
        make_client(emulator.url).reboot_instance(REGION, instance_id(0))
    assert raised.value.code == "IncorrectInstanceStatus"
    assert raised.value.http_status == 403


def test_install_then_reboot_brings_agent_online(emulator):
    emulator.reset(fleet(2))
    client = make_client(emulator.url)
    ids = [instance_id(0), instance_id(1)]

    client.install_cloud_assistant(REGION, ids)
    client.reboot_instances(REGION, ids)
    states = [i.status for i in all_instances(client.describe_instances(REGION, ids))]
    statuses = client.describe_cloud_assistant_status(REGION, ids)

    assert states == ["Starting", "Starting"]
    assert all(status.online for status in statuses.values())


@VERSIONS
def test_tag_resources_and_list(emulator, version):
    emulator.reset(fleet(60))
    client = make_client(emulator.url, signature_version=version)
    ids = [instance_id(n) for n in range(60)]

    request_ids = client.tag_resources(REGION, ids, {"cloud-assistant-autoinstall": "installed:2024", "a b": "*~"})

    assert len(request_ids.split(",")) == 2
    assert [len([p for p in call["params"] if p.startswith("ResourceId.")])
            for call in calls_of(emulator, "TagResources")] == [50, 10]
    tags = client.list_tag_resources(REGION, ids)
    assert tags[instance_id(59)] == {"cloud-assistant-autoinstall": "installed:2024", "a b": "*~"}
    described = all_instances(client.describe_instances(REGION, [instance_id(0)]))
    assert described[0].tags["a b"] == "*~"


def test_tag_overwrites_value(emulator):
    emulator.reset(fleet(1, Tags={"marker": "old"}))
    client = make_client(emulator.url)
    client.tag_resources(REGION, [instance_id(0)], {"marker": "new"})
    assert client.list_tag_resources(REGION, [instance_id(0)]) == {instance_id(0): {"marker": "new"}}


def test_list_tags_by_key(emulator):
    spec = fleet(2)
    spec["instances"][0]["Tags"] = {"marker": "x", "other": "y"}
    emulator.reset(spec)

    tags = make_client(emulator.url).list_tag_resources(REGION, [instance_id(0), instance_id(1)], "marker")

    assert tags == {instance_id(0): {"marker": "x"}, instance_id(1): {}}


def test_tag_limits_checked(emulator):
    client = make_client(emulator.url)
    with pytest.raises(ValueError, match="at most 20"):
        client.tag_resources(REGION, [instance_id(0)], {f"k{n}": "v" for n in range(21)})
    with pytest.raises(ValueError, match="aliyun"):
        client.tag_resources(REGION, [instance_id(0)], {"aliyun-x": "v"})
    with pytest.raises(ValueError, match="aliyun"):
        client.tag_resources(REGION, [instance_id(0)], {"acs:x": "v"})
    with pytest.raises(ValueError, match="128"):
        client.tag_resources(REGION, [instance_id(0)], {"k" * 129: "v"})
    assert emulator.calls() == []


def test_call_counts_match_emulator(emulator):
    emulator.reset(fleet(5))
    client = make_client(emulator.url)
    client.describe_regions()
    list(client.describe_instances(REGION, page_size=2))
    client.describe_cloud_assistant_status(REGION, [instance_id(0)])

    logged: dict[str, int] = {}
    for call in emulator.calls():
        logged[call["action"]] = logged.get(call["action"], 0) + 1
    assert client.call_counts == logged


def test_actions_constant_covers_calls(emulator):
    emulator.reset(fleet(2))
    client = make_client(emulator.url)
    ids = [instance_id(0), instance_id(1)]
    client.describe_regions()
    list(client.describe_instances(REGION, ids))
    client.describe_cloud_assistant_status(REGION, ids)
    client.install_cloud_assistant(REGION, ids)
    client.tag_resources(REGION, ids, {"k": "v"})
    client.list_tag_resources(REGION, ids)
    client.reboot_instances(REGION, ids[:1])
    client.reboot_instance(REGION, ids[1])

    assert {call["action"] for call in emulator.calls()} == ECS_ACTIONS


def test_threads_share_one_client(emulator):
    emulator.reset(fleet(10))
    client = make_client(emulator.url)
    # The barrier makes four threads run at once, so four sessions must exist.
    barrier = threading.Barrier(4)

    def describe_ten_times() -> int:
        barrier.wait(timeout=10)
        for _ in range(10):
            client.describe_cloud_assistant_status(REGION, [instance_id(0)])
        return id(thread_session())

    with ThreadPoolExecutor(max_workers=4) as pool:
        sessions = {future.result() for future in [pool.submit(describe_ten_times) for _ in range(4)]}

    assert client.call_counts == {"DescribeCloudAssistantStatus": 40}
    assert len(sessions) == 4

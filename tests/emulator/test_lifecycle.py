"""Instance statuses and agent states as they step through launches, reboots and installs."""

from __future__ import annotations

import json
import time

from .conftest import ONLINE, RUNNING_1, SHANGHAI
from .helpers import call_v1

HANGZHOU = {"RegionId": "cn-hangzhou"}


def instance_status(server, instance_id, region="cn-hangzhou") -> str:
    body = call_v1(server, "DescribeInstances",
                   {"RegionId": region, "InstanceIds": json.dumps([instance_id])}).json()
    return body["Instances"]["Instance"][0]["Status"]


def agent_status(server, instance_id) -> dict:
    body = call_v1(server, "DescribeCloudAssistantStatus",
                   dict(HANGZHOU, **{"InstanceId.1": instance_id})).json()
    return body["InstanceCloudAssistantStatusSet"]["InstanceCloudAssistantStatus"][0]


def reboot(server, instance_id):
    response = call_v1(server, "RebootInstance", {"InstanceId": instance_id})
    assert response.status_code == 200, response.text


def install(server, instance_id):
    response = call_v1(server, "InstallCloudAssistant",
                       dict(HANGZHOU, **{"InstanceId.1": instance_id}))
    assert response.status_code == 200, response.text


def test_reboot_starting_then_running(fleet):
    reboot(fleet, RUNNING_1)

    assert instance_status(fleet, RUNNING_1) == "Starting"
    assert instance_status(fleet, RUNNING_1) == "Running"


def test_reboot_needs_configured_describes(fleet):
    fleet.settings(transition_describes=3)
    reboot(fleet, RUNNING_1)

    seen = [instance_status(fleet, RUNNING_1) for _ in range(4)]

    assert seen == ["Starting", "Starting", "Starting", "Running"]


def test_reboot_sets_start_time(fleet):
    before = instance_status(fleet, RUNNING_1)
    reboot(fleet, RUNNING_1)
    instance_status(fleet, RUNNING_1)
    instance_status(fleet, RUNNING_1)
    state = {i["InstanceId"]: i for i in fleet.state()["instances"]}

    assert before == "Running"
    assert state[RUNNING_1]["StartTime"] > state[RUNNING_1]["CreationTime"]


def test_rebooting_instance_refused(fleet):
    reboot(fleet, RUNNING_1)
    response = call_v1(fleet, "RebootInstance", {"InstanceId": RUNNING_1})

    assert response.status_code == 403
    assert response.json()["Code"] == "IncorrectInstanceStatus"


def test_describes_elsewhere_do_not_count(fleet):
    reboot(fleet, RUNNING_1)
    instance_status(fleet, SHANGHAI, region="cn-shanghai")

    assert instance_status(fleet, RUNNING_1) == "Starting"


def test_agent_status_counts_as_describe(fleet):
    reboot(fleet, RUNNING_1)
    agent_status(fleet, RUNNING_1)

    assert instance_status(fleet, RUNNING_1) == "Running"


def test_transition_ends_by_time(fleet):
    fleet.settings(transition_describes=None, transition_seconds=0.2)
    reboot(fleet, RUNNING_1)
    first = fleet.state()["instances"][0]["Status"]
    time.sleep(0.3)

    assert first == "Starting"
    assert instance_status(fleet, RUNNING_1) == "Running"


def test_transition_never_ends_when_disabled(fleet):
    fleet.settings(transition_describes=None, transition_seconds=None)
    reboot(fleet, RUNNING_1)

    assert [instance_status(fleet, RUNNING_1) for _ in range(3)] == ["Starting"] * 3


def test_installed_agent_reports_false(fleet):
    install(fleet, RUNNING_1)
    item = agent_status(fleet, RUNNING_1)

    assert item["CloudAssistantStatus"] == "false"
    assert item["CloudAssistantVersion"] == ""


def test_installed_agent_online_after_reboot(fleet):
    install(fleet, RUNNING_1)
    reboot(fleet, RUNNING_1)

    during = agent_status(fleet, RUNNING_1)
    after = agent_status(fleet, RUNNING_1)

    assert during["CloudAssistantStatus"] == "false"
    assert after["CloudAssistantStatus"] == "true"
    assert after["CloudAssistantVersion"] == "2.2.3.398"
    assert after["LastHeartbeatTime"] != ""


def test_online_agent_survives_reboot(fleet):
    reboot(fleet, ONLINE)

    during = agent_status(fleet, ONLINE)
    after = agent_status(fleet, ONLINE)

    assert during["CloudAssistantStatus"] == "true"
    assert after["CloudAssistantStatus"] == "true"


def test_missing_agent_stays_missing(fleet):
    reboot(fleet, RUNNING_1)
    agent_status(fleet, RUNNING_1)

    assert agent_status(fleet, RUNNING_1)["CloudAssistantStatus"] == "false"
    assert fleet.state()["instances"][0]["CloudAssistant"] == "none"


def test_install_on_online_keeps_online(fleet):
    install(fleet, ONLINE)

    assert agent_status(fleet, ONLINE)["CloudAssistantStatus"] == "true"


def test_launched_instance_pending_to_running(fleet):
    (launched,) = fleet.launch([{"RegionId": "cn-hangzhou", "InstanceId": "i-bp1new000000000000",
                                 "Status": "Running"}])

    seen = [instance_status(fleet, "i-bp1new000000000000") for _ in range(3)]

    assert launched["Status"] == "Pending"
    assert seen == ["Pending", "Starting", "Running"]


def test_launched_instance_gets_defaults(fleet):
    (launched,) = fleet.launch([{"RegionId": "cn-shanghai"}])

    assert launched["InstanceId"].startswith("i-")
    assert len(launched["InstanceId"]) == 22
    assert launched["OSType"] == "linux"
    assert launched["CloudAssistant"] == "none"
    assert launched["Tags"] == {}


def test_stopping_ends_stopped(fleet):
    fleet.reset({"instances": [{"InstanceId": "i-stop", "Status": "Stopping"}]})
    fleet.settings(transition_describes=1, transition_seconds=None)

    assert instance_status(fleet, "i-stop") == "Stopping"
    assert instance_status(fleet, "i-stop") == "Stopped"


def test_install_on_pending_refused(fleet):
    fleet.launch([{"RegionId": "cn-hangzhou", "InstanceId": "i-bp1new000000000000"}])
    response = call_v1(fleet, "InstallCloudAssistant",
                       dict(HANGZHOU, **{"InstanceId.1": "i-bp1new000000000000"}))

    assert response.status_code == 403
    assert response.json()["Code"] == "IncorrectInstanceStatus"


def test_tags_overwrite_and_show(fleet):
    params = dict(HANGZHOU, ResourceType="instance",
                  **{"ResourceId.1": RUNNING_1, "Tag.1.Key": "env", "Tag.1.Value": "staging"})
    call_v1(fleet, "TagResources", params)
    body = call_v1(fleet, "DescribeInstances",
                   dict(HANGZHOU, InstanceIds=json.dumps([RUNNING_1]))).json()
    tags = body["Instances"]["Instance"][0]["Tags"]["Tag"]

    assert tags == [{"TagKey": "env", "TagValue": "staging"}]

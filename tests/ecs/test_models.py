"""Parsing of DescribeInstances, agent status and reboot entries."""

from __future__ import annotations

from datetime import datetime, timezone

from shared.ecs.models import items, parse_agent_status, parse_ecs_time, parse_instance, parse_reboot_result


def test_ecs_time_without_seconds():
    assert parse_ecs_time("2017-12-10T04:04Z") == datetime(2017, 12, 10, 4, 4, tzinfo=timezone.utc)


def test_ecs_time_with_seconds():
    assert parse_ecs_time("2017-12-10T04:04:05Z") == datetime(2017, 12, 10, 4, 4, 5, tzinfo=timezone.utc)


def test_ecs_time_unreadable_values():
    for value in ("", None, "2017-13-10T04:04Z", "yesterday", "2017-12-10 04:04"):
        assert parse_ecs_time(value) is None, value


def test_instance_entry_parsed():
    entry = {
        "InstanceId": "i-1",
        "RegionId": "cn-hangzhou",
        "Status": "Running",
        "OSType": "linux",
        "InstanceName": "web",
        "CreationTime": "2024-01-02T03:04Z",
        "StartTime": "",
        "Tags": {"Tag": [{"TagKey": "env", "TagValue": "prod"}, {"TagKey": "solo", "TagValue": ""}]},
    }
    instance = parse_instance(entry, "cn-hangzhou")
    assert instance.creation_time == datetime(2024, 1, 2, 3, 4, tzinfo=timezone.utc)
    assert instance.start_time is None
    assert instance.tags == {"env": "prod", "solo": ""}
    assert (instance.status, instance.os_type, instance.instance_name) == ("Running", "linux", "web")


def test_instance_without_tags():
    instance = parse_instance({"InstanceId": "i-1", "CreationTime": "2024-01-02T03:04Z"}, "cn-hangzhou")
    assert instance.tags == {}
    assert instance.region_id == "cn-hangzhou"


def test_items_accepts_single_object():
    assert items({"A": {"B": {"x": 1}}}, "A", "B") == [{"x": 1}]


def test_items_missing_list():
    assert items({}, "A", "B") == []
    assert items({"A": ""}, "A", "B") == []


def test_agent_status_strings_become_bool():
    assert parse_agent_status({"InstanceId": "i-1", "CloudAssistantStatus": "true"}).online is True
    assert parse_agent_status({"InstanceId": "i-1", "CloudAssistantStatus": "false"}).online is False
    assert parse_agent_status({"InstanceId": "i-1", "CloudAssitantStatus": "true"}).online is True


def test_reboot_result_code_200_is_ok():
    ok = parse_reboot_result({"InstanceId": "i-1", "Code": "200", "PreviousStatus": "Running",
                              "CurrentStatus": "Starting"})
    failed = parse_reboot_result({"InstanceId": "i-2", "Code": "IncorrectInstanceStatus"})
    assert ok.ok is True
    assert ok.current_status == "Starting"
    assert failed.ok is False

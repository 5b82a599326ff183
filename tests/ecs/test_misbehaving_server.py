"""Responses the emulator never sends: repeated tokens, stray instances, unreadable bodies."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from shared.credentials import Credentials
from shared.ecs import EcsError, OutcomeUnknownError, ServerError
from tests.ecs.helpers import REGION, make_client
from tests.ecs.scripted_server import ScriptedServer

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server():
    scripted = ScriptedServer().start()
    yield scripted
    scripted.stop()


def instances_page(ids, token):
    entries = [{"InstanceId": i, "RegionId": REGION, "Status": "Running", "CreationTime": "2024-01-01T00:00Z"}
               for i in ids]
    return {"RequestId": "R", "NextToken": token, "TotalCount": 999, "Instances": {"Instance": entries}}


def test_repeated_token_stops_paging(server):
    server.script(
        (200, JSON, instances_page(["i-1"], "t1")),
        (200, JSON, instances_page(["i-2"], "t2")),
        (200, JSON, instances_page(["i-3"], "t1")),
        (200, JSON, instances_page(["i-4"], "t1")),
    )
    client = make_client(server.url)

    with capture_logs() as logs:
        pages = list(client.describe_instances(REGION))

    assert [[i.instance_id for i in page] for page in pages] == [["i-1"], ["i-2"], ["i-3"]]
    assert client.call_counts == {"DescribeInstances": 3}
    assert [entry["event"] for entry in logs] == ["ecs_repeated_next_token"]


def test_total_count_not_trusted(server):
    server.script((200, JSON, instances_page(["i-1"], "")))
    pages = list(make_client(server.url).describe_instances(REGION))
    assert len(pages) == 1


def test_unrequested_instance_rejected(server):
    server.script((200, JSON, instances_page(["i-requested", "i-stray"], "")))

    with pytest.raises(EcsError) as raised:
        list(make_client(server.url).describe_instances(REGION, ["i-requested"]))

    assert raised.value.code == "UnexpectedInstance"
    assert "i-stray" in str(raised.value)


def test_instance_of_other_region_rejected(server):
    page = instances_page(["i-1"], "")
    page["Instances"]["Instance"][0]["RegionId"] = "cn-beijing"
    server.script((200, JSON, page))

    with pytest.raises(EcsError, match="cn-beijing"):
        list(make_client(server.url).describe_instances(REGION))


def test_missing_agent_counts_offline(server):
    body = {"RequestId": "R", "InstanceCloudAssistantStatusSet": {"InstanceCloudAssistantStatus": [
        {"InstanceId": "i-1", "CloudAssistantStatus": "true", "CloudAssistantVersion": "2.2.3"},
        {"InstanceId": "i-unrequested", "CloudAssistantStatus": "true"},
    ]}}
    server.script((200, JSON, body))

    statuses = make_client(server.url).describe_cloud_assistant_status(REGION, ["i-1", "i-2"])

    assert list(statuses) == ["i-1", "i-2"]
    assert statuses["i-1"].online is True
    assert statuses["i-2"].online is False
    assert statuses["i-2"].version == ""


def test_missing_reboot_result_reported(server):
    body = {"RequestId": "R", "InstanceResponses": {"InstanceResponse": [
        {"InstanceId": "i-1", "Code": "200", "PreviousStatus": "Running", "CurrentStatus": "Starting"}]}}
    server.script((200, JSON, body))

    _, results = make_client(server.url).reboot_instances(REGION, ["i-1", "i-2"])

    assert [result.ok for result in results] == [True, False]
    assert results[1].code == "MissingFromResponse"


def test_unreadable_body_retried_for_reads(server):
    server.script((200, {"Content-Type": "text/html"}, b"<html>proxy</html>"), (200, JSON, {"Regions": {}}))
    client = make_client(server.url)
    assert client.describe_regions() == []
    assert client.call_counts == {"DescribeRegions": 2}


def test_unreadable_body_on_install_unknown(server):
    server.script((200, {"Content-Type": "text/html"}, b"<html>proxy</html>"))

    with pytest.raises(OutcomeUnknownError) as raised:
        make_client(server.url).install_cloud_assistant(REGION, ["i-1"])

    assert raised.value.code == "InvalidResponse"


def test_html_gateway_error_is_server_error(server):
    server.script((502, {"Content-Type": "text/html", "x-acs-request-id": "GW-1"}, b"<html>bad gateway</html>"))

    with pytest.raises(ServerError) as raised:
        make_client(server.url, max_attempts=2).describe_regions()

    assert raised.value.http_status == 502
    assert raised.value.request_id == "GW-1"


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", ""])
def test_invalid_retry_after_ignored(server, value):
    throttled = {"Code": "Throttling.User", "Message": "flow control", "RequestId": "R"}
    server.script((400, {**JSON, "x-acs-retry-after": value}, throttled), (200, JSON, {"Regions": {}}))
    client = make_client(server.url)

    with capture_logs() as logs:
        client.describe_regions()

    (retry,) = [entry for entry in logs if entry["event"] == "ecs_retry"]
    assert retry["waitMs"] <= 50


def test_sent_bytes_match_signed_bytes(server):
    server.script((200, JSON, {"RequestId": "R"}))
    client = make_client(server.url, Credentials("testid", "testsecret"), signature_version="v1")

    client.tag_resources(REGION, ["i-1"], {"a b*c~": "x+y/z=&é"})

    path = server.requests[0]["path"]
    assert "Tag.1.Key=a%20b%2Ac~" in path
    assert "Tag.1.Value=x%2By%2Fz%3D%26%C3%A9" in path


def test_v3_host_header_signed_as_sent(server):
    server.script((200, JSON, {"Regions": {}}))
    make_client(server.url).describe_regions()

    headers = server.requests[0]["headers"]
    assert headers["host"] == server.url.removeprefix("http://")
    assert "SignedHeaders=host;" in headers["authorization"]

"""Retries and error classes under injected faults, against the emulator over loopback HTTP."""

from __future__ import annotations

import socket

import pytest
from structlog.testing import capture_logs

from shared.deadline import Deadline
from shared.ecs import (
    DeadlineExceededError,
    OutcomeUnknownError,
    ServerError,
    ThrottlingError,
    TransportError,
)
from tests.ecs.helpers import REGION, calls_of, fleet, instance_id, make_client


def retry_logs(logs: list[dict]) -> list[dict]:
    return [entry for entry in logs if entry["event"] == "ecs_retry"]


@pytest.mark.parametrize("code", ["Throttling.User", "Throttling.Api", "Throttling"])
def test_throttling_retried(emulator, code):
    emulator.set_faults([{"kind": "throttle", "action": "DescribeRegions", "nth": [1, 2], "code": code}])
    client = make_client(emulator.url)

    with capture_logs() as logs:
        regions = client.describe_regions()

    assert regions
    assert client.call_counts == {"DescribeRegions": 3}
    retries = retry_logs(logs)
    assert [entry["attempt"] for entry in retries] == [1, 2]
    assert all(entry["code"] == code for entry in retries)
    assert all(entry["log_level"] == "warning" for entry in retries)


def test_retry_after_is_honoured(emulator):
    emulator.set_faults([{"kind": "throttle", "action": "DescribeRegions", "nth": [1], "retryAfterMs": 300}])
    client = make_client(emulator.url)

    with capture_logs() as logs:
        client.describe_regions()

    (retry,) = retry_logs(logs)
    assert retry["waitMs"] >= 300
    first, second = calls_of(emulator, "DescribeRegions")
    assert second["time"] - first["time"] >= 0.3


def test_long_retry_after_stops_retries(emulator):
    emulator.set_faults([{"kind": "throttle", "action": "DescribeRegions", "retryAfterMs": 120000}])
    client = make_client(emulator.url)

    with pytest.raises(ThrottlingError) as raised:
        client.describe_regions()

    assert raised.value.retryable is True
    assert client.call_counts == {"DescribeRegions": 1}


def test_throttling_exhausts_attempts(emulator):
    emulator.set_faults([{"kind": "throttle", "action": "*"}])
    client = make_client(emulator.url, max_attempts=3)

    with pytest.raises(ThrottlingError) as raised:
        client.describe_regions()

    assert raised.value.retryable is True
    assert raised.value.code == "Throttling.User"
    assert raised.value.request_id
    assert client.call_counts == {"DescribeRegions": 3}


def test_qps_limit_absorbed(emulator):
    emulator.reset(fleet(1))
    emulator.set_faults([{"kind": "qps", "action": "DescribeCloudAssistantStatus", "limit": 2, "retryAfterMs": 200}])
    client = make_client(emulator.url, max_attempts=8)

    for _ in range(5):
        client.describe_cloud_assistant_status(REGION, [instance_id(0)])

    codes = [call["code"] for call in calls_of(emulator, "DescribeCloudAssistantStatus")]
    assert codes.count(None) == 5
    assert "Throttling.Api" in codes


@pytest.mark.parametrize(
    ("kind", "code"),
    [("internal_error", "InternalError"), ("dispatch_error", "InternalError.Dispatch"),
     ("unavailable", "ServiceUnavailable")],
)
def test_server_errors_retried(emulator, kind, code):
    emulator.reset(fleet(1))
    emulator.set_faults([{"kind": kind, "action": "InstallCloudAssistant", "nth": [1]}])
    client = make_client(emulator.url)

    with capture_logs() as logs:
        client.install_cloud_assistant(REGION, [instance_id(0)])

    assert client.call_counts == {"InstallCloudAssistant": 2}
    assert [entry["code"] for entry in retry_logs(logs)] == [code]


def test_server_error_exhausts_attempts(emulator):
    emulator.set_faults([{"kind": "unavailable", "action": "DescribeRegions"}])
    with pytest.raises(ServerError) as raised:
        make_client(emulator.url, max_attempts=2).describe_regions()
    assert raised.value.http_status == 503
    assert raised.value.retryable is True


def test_reset_retried_for_reads(emulator):
    emulator.reset(fleet(3))
    emulator.set_faults([{"kind": "reset_before", "action": "DescribeInstances", "nth": [1]},
                         {"kind": "reset_after", "action": "DescribeInstances", "nth": [2]}])
    client = make_client(emulator.url)

    pages = list(client.describe_instances(REGION))

    assert sum(len(page) for page in pages) == 3
    assert client.call_counts == {"DescribeInstances": 3}


def test_reset_after_install_outcome_unknown(emulator):
    emulator.reset(fleet(1))
    emulator.set_faults([{"kind": "reset_after", "action": "InstallCloudAssistant"}])
    client = make_client(emulator.url)

    with pytest.raises(OutcomeUnknownError) as raised:
        client.install_cloud_assistant(REGION, [instance_id(0)])

    assert raised.value.code == "ConnectionReset"
    assert raised.value.retryable is False
    assert client.call_counts == {"InstallCloudAssistant": 1}
    # The install was applied although no response arrived, which is why it is not repeated.
    assert emulator.state()["instances"][0]["CloudAssistant"] == "installed"


def test_reset_before_reboot_outcome_unknown(emulator):
    emulator.reset(fleet(2))
    emulator.set_faults([{"kind": "reset_before", "action": "RebootInstances"}])
    client = make_client(emulator.url)

    with pytest.raises(OutcomeUnknownError):
        client.reboot_instances(REGION, [instance_id(0), instance_id(1)])

    assert client.call_counts == {"RebootInstances": 1}


def test_tagging_retried_after_reset(emulator):
    emulator.reset(fleet(1))
    emulator.set_faults([{"kind": "reset_after", "action": "TagResources", "nth": [1]}])
    client = make_client(emulator.url)

    client.tag_resources(REGION, [instance_id(0)], {"marker": "installed"})

    assert client.call_counts == {"TagResources": 2}


def test_read_timeout_retried_for_reads(emulator):
    emulator.set_faults([{"kind": "latency", "action": "DescribeRegions", "nth": [1], "latencyMs": 800}])
    client = make_client(emulator.url, read_timeout=0.3)

    with capture_logs() as logs:
        client.describe_regions()

    assert client.call_counts == {"DescribeRegions": 2}
    assert [entry["code"] for entry in retry_logs(logs)] == ["ReadTimeout"]


def test_read_timeout_on_reboot_unknown(emulator):
    emulator.reset(fleet(1))
    emulator.set_faults([{"kind": "latency", "action": "RebootInstance", "latencyMs": 800}])
    client = make_client(emulator.url, read_timeout=0.3)

    with pytest.raises(OutcomeUnknownError) as raised:
        client.reboot_instance(REGION, instance_id(0))

    assert raised.value.code == "ReadTimeout"
    assert client.call_counts == {"RebootInstance": 1}


def test_read_timeout_exhausts_attempts(emulator):
    emulator.set_faults([{"kind": "latency", "action": "DescribeRegions", "latencyMs": 600}])
    with pytest.raises(TransportError) as raised:
        make_client(emulator.url, read_timeout=0.2, max_attempts=2).describe_regions()
    assert raised.value.code == "ReadTimeout"
    assert raised.value.retryable is True


def test_slow_body_stopped_at_deadline(emulator):
    emulator.set_faults([{"kind": "slow_body", "action": "DescribeRegions", "latencyMs": 3000}])
    client = make_client(emulator.url, deadline=Deadline.after(0.6), read_timeout=2.0)

    with pytest.raises(DeadlineExceededError) as raised:
        client.describe_regions()

    assert raised.value.last_error is not None
    assert raised.value.last_error.code == "ReadTimeout"


def test_exhausted_deadline_sends_nothing(emulator):
    client = make_client(emulator.url, deadline=Deadline.after(0))

    with pytest.raises(DeadlineExceededError) as raised:
        client.describe_regions()

    assert raised.value.last_error is None
    assert raised.value.code == "DeadlineExceeded"
    assert client.call_counts == {}
    assert emulator.calls() == []


def test_deadline_cuts_retry_wait(emulator):
    emulator.set_faults([{"kind": "throttle", "action": "DescribeRegions", "retryAfterMs": 5000}])
    client = make_client(emulator.url, deadline=Deadline.after(1.0))

    with pytest.raises(DeadlineExceededError) as raised:
        client.describe_regions()

    assert isinstance(raised.value.last_error, ThrottlingError)
    assert isinstance(raised.value.__cause__, ThrottlingError)
    assert client.call_counts == {"DescribeRegions": 1}


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_retried():
    client = make_client(f"http://127.0.0.1:{closed_port()}", max_attempts=2)

    with pytest.raises(TransportError) as raised:
        client.describe_regions()

    assert raised.value.code == "ConnectionFailed"
    assert raised.value.retryable is True
    assert client.call_counts == {"DescribeRegions": 2}


def test_refused_install_is_not_unknown():
    # Nothing was sent, so the install cannot have been applied and may be retried.
    client = make_client(f"http://127.0.0.1:{closed_port()}", max_attempts=2)

    with pytest.raises(TransportError) as raised:
        client.install_cloud_assistant(REGION, [instance_id(0)])

    assert not isinstance(raised.value, OutcomeUnknownError)
    assert client.call_counts == {"InstallCloudAssistant": 2}


def test_every_attempt_signed_anew(emulator):
    emulator.set_faults([{"kind": "internal_error", "action": "DescribeRegions", "nth": [1, 2]}])
    client = make_client(emulator.url, signature_version="v1")

    client.describe_regions()

    nonces = [call["params"]["SignatureNonce"] for call in calls_of(emulator, "DescribeRegions")]
    assert len(set(nonces)) == 3

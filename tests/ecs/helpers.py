"""Fleet specs and client construction shared by the functional tests."""

from __future__ import annotations

from shared.credentials import Credentials
from shared.deadline import Deadline
from shared.ecs import ClientSettings, EcsClient

REGION = "cn-hangzhou"
TEST_CREDENTIALS = Credentials("testid", "testsecret")


def instance_id(number: int) -> str:
    return f"i-test{number:016d}"


def fleet(count: int, region: str = REGION, **fields) -> dict:
    """Return a fleet spec of `count` Running Linux instances without the agent."""
    instances = [
        {
            "RegionId": region,
            "InstanceId": instance_id(number),
            "Status": "Running",
            "OSType": "linux",
            "CloudAssistant": "none",
            "CreationTime": "2024-05-01T08:30Z",
            "Tags": {},
            **fields,
        }
        for number in range(count)
    ]
    return {"regions": [], "instances": instances}


def fast_settings(url: str, **overrides) -> ClientSettings:
    """Short timeouts and small backoff, so that fault tests stay quick."""
    values = {
        "endpoint": url,
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "max_attempts": 4,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
    }
    values.update(overrides)
    return ClientSettings(**values)


def make_client(
    url: str, credentials: Credentials = TEST_CREDENTIALS, deadline: Deadline | None = None, **overrides
) -> EcsClient:
    return EcsClient(credentials, fast_settings(url, **overrides), deadline)


def calls_of(emulator, action: str) -> list[dict]:
    return [call for call in emulator.calls() if call["action"] == action]

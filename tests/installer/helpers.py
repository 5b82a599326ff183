"""Building runs against the emulator and fleets for the installer tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared.credentials import Credentials
from shared.deadline import Deadline
from shared.ecs import ClientSettings, EcsClient
from shared.policy import Policy
from shared.report import Report
from shared.run import Run

MARKER = "cloud-assistant-autoinstall"
MUTATING = {"InstallCloudAssistant", "RebootInstances", "RebootInstance", "TagResources"}


def ecs_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


def instance(instance_id: str, region: str = "cn-hangzhou", status: str = "Running", agent: str = "none",
             age_minutes: float = 60 * 24 * 30, tags: dict | None = None, os_type: str = "linux") -> dict:
    return {
        "RegionId": region,
        "InstanceId": instance_id,
        "Status": status,
        "OSType": os_type,
        "CloudAssistant": agent,
        "CreationTime": ecs_time(minutes_ago(age_minutes)),
        "Tags": tags or {},
    }


def make_run(emulator, policy: Policy | None = None, seconds: float = 60.0, trigger: str = "test",
             quiet: frozenset[str] = frozenset()) -> Run:
    settings = ClientSettings(endpoint=emulator.url, connect_timeout=2.0, read_timeout=2.0, max_attempts=3,
                              backoff_base=0.01, backoff_cap=0.05)
    client = EcsClient(Credentials("testid", "testsecret"), settings, deadline=Deadline.after(seconds))
    policy = policy or fast_policy()
    return Run(client=client, policy=policy, deadline=Deadline.after(seconds - 0.5),
               report=Report("req-test", trigger, quiet_outcomes=quiet))


def fast_policy(**overrides) -> Policy:
    """Return a policy with short claim and verify waits, so tests stay quick."""
    values = {"claim_settle_seconds": 0.05, "verify_interval_seconds": 0.05, "invocation_id": "req-test"}
    values.update(overrides)
    return Policy(**values)


def outcomes_by_id(run: Run) -> dict[str, str]:
    return {item.instance_id: item.outcome for item in run.report.outcomes()}


def calls_of(emulator, action: str) -> list[dict]:
    return [call for call in emulator.calls() if call["action"] == action]


def mutating_calls(emulator) -> list[dict]:
    return [call for call in emulator.calls() if call["action"] in MUTATING]


def state_of(emulator, instance_id: str) -> dict:
    for item in emulator.state()["instances"]:
        if item["InstanceId"] == instance_id:
            return item
    raise KeyError(instance_id)

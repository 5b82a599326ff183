"""Building blocks of the reliability tests: warm functions, events, log capture and call-log reads."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from local.fc_runtime import FcInstance

ACCESS_KEY_ID = "testid"
ACCESS_KEY_SECRET = "testsecret"  # noqa: S105 - the emulator's published test pair
ACCOUNT_ID = "1234567890123456"
MARKER_KEY = "cloud-assistant-autoinstall"
# Actions whose effect on the fleet the invariants count.
INSTALL_ACTIONS = ("InstallCloudAssistant",)
REBOOT_ACTIONS = ("RebootInstances", "RebootInstance")
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def function_environment(endpoint: str, **overrides: str) -> dict[str, str]:
    """Return a function environment pointed at the emulator, with short timeouts and few attempts."""
    values = {
        "ECS_ENDPOINT": endpoint,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "ECS_CONNECT_TIMEOUT_SECONDS": "1",
        "ECS_READ_TIMEOUT_SECONDS": "1",
        "ECS_MAX_ATTEMPTS": "3",
        "DEADLINE_MARGIN_SECONDS": "2",
        "FC_REGION": "cn-hangzhou",
    }
    values.update(overrides)
    return values


def new_function(name: str, endpoint: str, timeout: float | None = None, **environment: str) -> FcInstance:
    """Start one warm FC instance of a function (its cold start) pointed at the emulator."""
    values = function_environment(endpoint, **environment)
    return FcInstance(name, environment=values, region=values["FC_REGION"], timeout=timeout)


def new_instance_id(rng) -> str:
    return "i-" + "".join(rng.choice(_ID_ALPHABET) for _ in range(20))


def ecs_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def new_instances(count: int, rng, region: str = "cn-hangzhou") -> list[dict[str, Any]]:
    """Return fleet-spec entries of Running instances created a minute ago, without the agent."""
    created = ecs_time(datetime.now(timezone.utc) - timedelta(minutes=1))
    return [
        {"RegionId": region, "InstanceId": new_instance_id(rng), "Status": "Running", "OSType": "linux",
         "CloudAssistant": "none", "CreationTime": created, "Tags": {}}
        for _ in range(count)
    ]


def running_event(instance_id: str, region: str = "cn-hangzhou", event_id: str | None = None) -> dict[str, Any]:
    """Return an EventBridge ECS state change CloudEvent that reports the instance Running."""
    arn = f"acs:ecs:{region}:{ACCOUNT_ID}:instance/{instance_id}"
    return {
        "id": event_id or str(uuid.uuid4()),
        "source": "acs.ecs",
        "specversion": "1.0",
        "type": "ecs:Instance:StateChange",
        "subject": arn,
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json;charset=utf-8",
        "aliyunaccountid": ACCOUNT_ID,
        "aliyunregionid": region,
        "aliyuneventbusname": "default",
        "data": {
            "resourceId": arn,
            "resourceType": "ALIYUN::ECS::Instance",
            "regionId": region,
            "content": {"resourceId": instance_id, "resourceType": "ALIYUN::ECS::Instance", "state": "Running"},
        },
    }


class _LineCollector(io.TextIOBase):
    """A text stream that keeps every complete line written to it, from any thread."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending = ""
        self.lines: list[str] = []

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            *complete, self._pending = self._pending.split("\n")
            self.lines.extend(complete)
        return len(text)


@contextlib.contextmanager
def captured_stdout() -> Iterator[list[str]]:
    """Collect the lines written to sys.stdout (the handlers' JSON logs) into the yielded list."""
    collector = _LineCollector()
    with contextlib.redirect_stdout(collector):
        yield collector.lines


def log_events(lines: list[str]) -> list[dict[str, Any]]:
    """Parse the JSON log lines; a line that is not a JSON object is kept under "raw"."""
    events = []
    for line in lines:
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            event = {"raw": line}
        events.append(event if isinstance(event, dict) else {"raw": line})
    return events


def applied(call: dict[str, Any]) -> bool:
    """Return whether the emulator carried out a logged call.

    A call that returned 200 was applied, even when the client had timed out by then, and so
    was a call whose connection was reset after the action ran (`reset_after`).
    """
    return call["status"] == 200 or "reset_after" in (call.get("fault") or "")


def instance_ids_of(call: dict[str, Any]) -> list[str]:
    """Return the instance IDs a logged call names, in any of the parameter forms."""
    params = call["params"]
    ids = [value for name, value in params.items()
           if name.startswith(("InstanceId.", "ResourceId.")) or name == "InstanceId"]
    if "InstanceIds" in params:
        try:
            listed = json.loads(params["InstanceIds"])
        except ValueError:
            listed = []
        ids.extend(item for item in listed if isinstance(item, str))
    return ids


def applied_counts(calls: list[dict[str, Any]], actions: tuple[str, ...]) -> Counter[str]:
    """Count, per instance ID, the applied calls of the actions that named it."""
    counts: Counter[str] = Counter()
    for call in calls:
        if call["action"] in actions and applied(call):
            counts.update(set(instance_ids_of(call)))
    return counts


def injected_faults(calls: list[dict[str, Any]]) -> Counter[str]:
    """Count the injected faults per kind, as the emulator logged them."""
    counts: Counter[str] = Counter()
    for call in calls:
        for kind in (call.get("fault") or "").split(","):
            if kind:
                counts[kind] += 1
    return counts


def state_by_id(emulator) -> dict[str, dict[str, Any]]:
    return {item["InstanceId"]: item for item in emulator.state()["instances"]}

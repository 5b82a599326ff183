"""The demo: the three triggers end to end against the ECS emulator on a realistic fleet.

Run it with `make demo` (or `.venv/bin/python -m local.demo`). It starts the
emulator with a generated fleet in three regions and delivers instance events and
an Auto Scaling event through `instance_events`. Then it runs `scheduled_sweep`
with a timer event, serves `http_api` on loopback and sends it the
InstallCloudAssistant document's request example. Last, it prints a summary. The
handlers' JSON logs go to a file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from local.demo_http import send_document_example, serve_http_api
from local.ecs_emulator import EmulatorServer, generate_fleet
from local.fc_runtime import FcError, FcInstance

REGIONS = ("cn-hangzhou", "cn-shanghai", "ap-southeast-1")
SCOPE_EXCLUDE_TAG = ("agent-autoinstall", "off")
HTTP_TOKEN = "demo-token-" + uuid.uuid4().hex
SCALE_OUT_REGION = "cn-shanghai"
SCALE_OUT_SIZE = 20


@contextmanager
def logs_to(path: Path):
    """Send what the handlers write to stdout (their JSON logs) to a file."""
    real_stdout = sys.stdout
    with path.open("a", encoding="utf-8") as stream:
        sys.stdout = stream
        try:
            yield
        finally:
            sys.stdout = real_stdout


def build_fleet(size: int, seed: int) -> dict[str, Any]:
    fleet = generate_fleet(size, regions=REGIONS, missing_ratio=0.3, seed=seed)
    chooser = random.Random(seed)  # noqa: S311 - demo data, not security
    for item in fleet["instances"]:
        if chooser.random() < 0.05:
            item.setdefault("Tags", {})[SCOPE_EXCLUDE_TAG[0]] = SCOPE_EXCLUDE_TAG[1]
    return fleet


AGENT_STATES = ("online", "installed", "none", "out of scope")


def coverage(server: EmulatorServer) -> dict[str, Counter]:
    """Count, per region, Running instances by agent state; excluded instances count apart."""
    result: dict[str, Counter] = {region: Counter() for region in REGIONS}
    for item in server.state()["instances"]:
        if item["RegionId"] not in result or item["Status"] != "Running":
            continue
        excluded = item.get("Tags", {}).get(SCOPE_EXCLUDE_TAG[0]) == SCOPE_EXCLUDE_TAG[1]
        state = "out of scope" if excluded and item["CloudAssistant"] != "online" else item["CloudAssistant"]
        result[item["RegionId"]][state] += 1
    return result


def format_coverage(counter: Counter) -> str:
    return ", ".join(f"{state} {counter.get(state, 0)}" for state in AGENT_STATES)


def new_instances(count: int, seed: int, region: str | None = None) -> list[dict[str, Any]]:
    """Return `count` Pending instances created now, spread over the regions unless one is given."""
    chooser = random.Random(seed)  # noqa: S311 - demo data, not security
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    return [
        {
            "RegionId": region or REGIONS[index % len(REGIONS)],
            "InstanceId": "i-" + "".join(chooser.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20)),
            "Status": "Pending",
            "OSType": "windows" if index % 5 == 0 else "linux",
            "CloudAssistant": "none",
            "CreationTime": now,
            "Tags": {"launched-by": "demo"},
        }
        for index in range(count)
    ]


def state_change_event(item: dict[str, Any], account_id: str) -> dict[str, Any]:
    moment = datetime.now(timezone.utc)
    return {
        "id": str(uuid.uuid4()),
        "source": "acs.ecs",
        "specversion": "1.0",
        "type": "ecs:Instance:StateChange",
        "subject": f"acs:ecs:{item['RegionId']}:{account_id}:instance/{item['InstanceId']}",
        "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json;charset=utf-8",
        "aliyunaccountid": account_id,
        "aliyunpublishtime": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "aliyuneventbusname": "default",
        "aliyunregionid": item["RegionId"],
        "aliyunpublishaddr": "172.25.0.1",
        "data": {
            "resourceId": f"acs:ecs:{item['RegionId']}:{account_id}:instance/{item['InstanceId']}",
            "resourceType": "ALIYUN::ECS::Instance",
            "regionId": item["RegionId"],
            "content": {"resourceId": item["InstanceId"], "resourceType": "ALIYUN::ECS::Instance", "state": "Running"},
        },
    }


def scale_out_event(region: str, instance_ids: list[str], account_id: str) -> dict[str, Any]:
    fixture = Path(__file__).resolve().parent.parent / "tests" / "events" / "eventbridge_ess_scale_out_success.json"
    event = json.loads(fixture.read_text(encoding="utf-8"))
    event["id"] = str(uuid.uuid4())
    event["aliyunregionid"] = region
    event["aliyunaccountid"] = account_id
    event["data"]["instanceIds"] = instance_ids
    event["data"]["regionId"] = region
    return event


def pick_http_examples(server: EmulatorServer) -> list[str]:
    """Return two Running cn-hangzhou instances: one awaiting its reboot and one with the agent online."""
    running = [item for item in server.state()["instances"]
               if item["RegionId"] == "cn-hangzhou" and item["Status"] == "Running"
               and SCOPE_EXCLUDE_TAG[0] not in item.get("Tags", {})]
    chosen = []
    for agent_state in ("installed", "online"):
        chosen.extend([item["InstanceId"] for item in running if item["CloudAssistant"] == agent_state][:1])
    return chosen


def summarize_http_body(body: str) -> str:
    """Return the outcomes of an HTTP API response, or its error code and message."""
    try:
        document = json.loads(body)
    except ValueError:
        return body[:160]
    if "Instances" in document:
        return ", ".join(f"{item['InstanceId']}: {item['Outcome']}" for item in document["Instances"])
    return f"{document.get('Code')}: {document.get('Message')}"


def outcomes_of(results: list[Any]) -> Counter:
    counter: Counter = Counter()
    for result in results:
        if isinstance(result, FcError):
            counter[f"invocation error ({result.error_type})"] += 1
            continue
        for item in json.loads(result)["instances"]:
            counter[item["outcome"]] += 1
    return counter


def calls_by_action(server: EmulatorServer, since: int = 0) -> dict[str, int]:
    return dict(Counter(call["action"] for call in server.calls()[since:]))


def print_table(title: str, rows: dict[str, Any]) -> None:
    print(f"\n{title}")
    for key, value in sorted(rows.items()):
        print(f"  {key:<40} {value}")


def run_demo(size: int, launched: int, seed: int, log_path: Path) -> int:
    started = time.monotonic()
    account_id = "1234567890123456"
    print(f"Generating a fleet of {size} instances in {', '.join(REGIONS)} (seed {seed})")

    with EmulatorServer(port=0, fleet=build_fleet(size, seed)) as server:
        print(f"ECS emulator listening on {server.url}")
        environment = {
            "ECS_ENDPOINT": server.url,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "testid",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret",
            "SWEEP_REGIONS": ",".join(REGIONS),
            "TAG_EXCLUDE": "=".join(SCOPE_EXCLUDE_TAG),
            "HTTP_AUTH_MODE": "token",
            "HTTP_API_TOKEN": HTTP_TOKEN,
            "FC_ACCOUNT_ID": account_id,
        }
        before = coverage(server)
        per_trigger: dict[str, Counter] = {}
        calls_per_trigger: dict[str, dict[str, int]] = {}

        # 1. New instances arrive; EventBridge pushes one state-change event per instance.
        single = new_instances(launched - SCALE_OUT_SIZE, seed + 1)
        scaled = new_instances(SCALE_OUT_SIZE, seed + 2, region=SCALE_OUT_REGION)
        server.launch(single + scaled)
        server.settings(transition_describes=0, transition_seconds=0.0)
        mark = len(server.calls())
        with logs_to(log_path):
            instances = [FcInstance("instance_events", environment=environment) for _ in range(4)]
            events = [state_change_event(item, account_id) for item in single]
            shares = [events[index::len(instances)] for index in range(len(instances))]
            results: list[Any] = []
            with ThreadPoolExecutor(max_workers=len(instances)) as pool:
                for share_results in pool.map(lambda pair: pair[0].invoke_many(pair[1], concurrency=5),
                                              zip(instances, shares, strict=True)):
                    results.extend(share_results)
            scaled_ids = [item["InstanceId"] for item in scaled]
            results.append(_invoke(instances[0], scale_out_event(SCALE_OUT_REGION, scaled_ids, account_id)))
        per_trigger["instance_events"] = outcomes_of(results)
        calls_per_trigger["instance_events"] = calls_by_action(server, mark)
        server.settings(transition_describes=1, transition_seconds=5.0)

        # 2. The timer sweep finds older instances without the agent.
        mark = len(server.calls())
        with logs_to(log_path):
            sweeper = FcInstance("scheduled_sweep", environment=environment)
            timer_event = {"triggerTime": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "triggerName": "sweep-timer", "payload": ""}
            sweep_result = _invoke(sweeper, timer_event)
        per_trigger["scheduled_sweep"] = outcomes_of([sweep_result])
        if not isinstance(sweep_result, FcError):
            per_trigger["scheduled_sweep"].update(
                {key: value for key, value in json.loads(sweep_result)["counts"].items()
                 if key in ("already_online", "skipped_out_of_scope")})
        calls_per_trigger["scheduled_sweep"] = calls_by_action(server, mark)

        # 3. The HTTP API, served on loopback, gets the document's request example twice.
        mark = len(server.calls())
        real_ids = pick_http_examples(server)
        with serve_http_api(environment, log_path) as url:
            http_results = [
                send_document_example(url, "cn-hangzhou", real_ids, HTTP_TOKEN),
                send_document_example(url, "cn-hangzhou", ["i-bp11f7trr4hbi1xxxxxx", "i-bp1iudwa5b1tqaxxxxxx"],
                                      HTTP_TOKEN),
            ]
        calls_per_trigger["http_api"] = calls_by_action(server, mark)
        after = coverage(server)
        all_calls = calls_by_action(server)

    print("\nRunning instances per region by agent state. 'installed' waits for the owner's reboot")
    excluded = "=".join(SCOPE_EXCLUDE_TAG)
    print(f"(REBOOT_POLICY=new-instances); 'out of scope' lacks the agent but has the tag {excluded}.")
    for region in REGIONS:
        print(f"  {region:<16} before: {format_coverage(before[region])}")
        print(f"  {'':<16} after:  {format_coverage(after[region])}")
    for trigger, counter in per_trigger.items():
        print_table(f"Outcomes of {trigger}:", dict(counter))
    for trigger, calls in calls_per_trigger.items():
        print_table(f"ECS API calls made by {trigger}:", calls)
    print("\nHTTP API, the InstallCloudAssistant document's request example:")
    labels = ("real fleet IDs", "the document's IDs (expected: they do not exist)")
    for label, (status, body) in zip(labels, http_results, strict=True):
        print(f"  {label:<48} HTTP {status}  {summarize_http_body(body)}")
    print_table("ECS API calls in total:", all_calls)
    print(f"\nElapsed: {time.monotonic() - started:.1f} s. JSON logs of every invocation: {log_path}")

    failures = [status for status, _ in http_results]
    return 0 if failures[0] == 200 and failures[1] == 404 else 1


def _invoke(instance: FcInstance, event: Any) -> Any:
    try:
        return instance.invoke(event)
    except FcError as error:
        return error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1500, help="instances in the generated fleet (default 1500)")
    parser.add_argument("--launch", type=int, default=200, help="new instances launched during the demo (default 200)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the fleet generator (default 7)")
    parser.add_argument("--log-file", type=Path, default=None,
                        help="file for the handlers' JSON logs (default: a new file in the temp folder)")
    arguments = parser.parse_args(argv)
    if arguments.launch <= SCALE_OUT_SIZE:
        parser.error(f"--launch must be above {SCALE_OUT_SIZE}, the size of the Auto Scaling event")

    log_path = arguments.log_file or Path(tempfile.gettempdir()) / f"cloud-assistant-demo-{os.getpid()}.jsonl"
    return run_demo(arguments.size, arguments.launch, arguments.seed, log_path)


if __name__ == "__main__":
    sys.exit(main())

"""Cold start: a fresh process imports `instance_events` and handles one event, ours against the SDK's."""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.common import PYTHON, REGION, REPO_ROOT, EmulatorProcess, handler_environment, median, run_child
from bench.import_time import measure_import_time

INSTANCE_ID = "i-bpcoldstart000000001"
EVENT_FIXTURE = REPO_ROOT / "tests" / "events" / "eventbridge_ecs_running_content.json"
EXPECTED_CALLS = ["DescribeInstances", "DescribeCloudAssistantStatus", "TagResources", "DescribeInstances",
                  "InstallCloudAssistant", "RebootInstances", "TagResources"]
VARIANTS = ("ours", "sdk")
TARGET_TIME_RATIO = 0.30


def running_event(instance_id: str, region: str = REGION) -> dict[str, Any]:
    """Return the EventBridge `ecs:Instance:StateChange` Running event of the fixture for one instance."""
    event = json.loads(EVENT_FIXTURE.read_text(encoding="utf-8"))
    account = event["aliyunaccountid"]
    resource = f"acs:ecs:{region}:{account}:instance/{instance_id}"
    event["id"] = str(uuid.uuid4())
    event["subject"] = resource
    event["aliyunregionid"] = region
    event["data"]["resourceId"] = resource
    event["data"]["regionId"] = region
    event["data"]["content"]["resourceId"] = instance_id
    return event


def new_instance(instance_id: str, region: str = REGION) -> dict[str, Any]:
    """Return a fleet-spec instance that is Running, created now and without the agent."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    return {"RegionId": region, "InstanceId": instance_id, "Status": "Running", "OSType": "linux",
            "CloudAssistant": "none", "CreationTime": now, "Tags": {}}


def _one_run(emulator: EmulatorProcess, variant: str, event_file: Path, timings_file: Path,
             environment: dict[str, str]) -> dict[str, Any]:
    emulator.reset({"instances": [new_instance(INSTANCE_ID)]})
    emulator.clear_calls()

    child = run_child([PYTHON, "-m", "bench.cold_child", variant, str(event_file), str(timings_file)], environment)
    timings = json.loads(timings_file.read_text(encoding="utf-8"))
    actions = [call["action"] for call in emulator.calls()]
    if actions != EXPECTED_CALLS:
        raise RuntimeError(f"the {variant} variant made the calls {actions}, expected {EXPECTED_CALLS}; "
                           f"its output: {child['stdout'][-1000:]} {child['stderr'][-1000:]}")

    return {"variant": variant, "wall_seconds": round(child["wall_seconds"], 4),
            "peak_rss_kib": timings["peak_rss_kib"], "ru_maxrss_kib": child["max_rss_kib"],
            "import_seconds": round(timings["import_seconds"], 4),
            "handle_seconds": round(timings["handle_seconds"], 4),
            "claim_settle_seconds": timings["claim_settle_seconds"]}


def _variant_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "runs": len(runs),
        "wall_seconds_median": round(median([run["wall_seconds"] for run in runs]), 4),
        "import_seconds_median": round(median([run["import_seconds"] for run in runs]), 4),
        "handle_seconds_median": round(median([run["handle_seconds"] for run in runs]), 4),
        "peak_rss_mib_median": round(median([run["peak_rss_kib"] for run in runs]) / 1024, 1),
    }


def measure_cold_start(runs: int, importtime_repeats: int) -> dict[str, Any]:
    """Alternate the two variants `runs` times each after one discarded warm-up run of each.

    Pair i is run i of each variant; the order within a pair alternates, so neither
    variant always runs first. Ratios are ours / SDK.
    """
    with EmulatorProcess() as emulator, tempfile.TemporaryDirectory() as folder:
        event_file = Path(folder) / "event.json"
        event_file.write_text(json.dumps(running_event(INSTANCE_ID)), encoding="utf-8")
        timings_file = Path(folder) / "timings.json"
        environment = handler_environment(emulator.url)

        for variant in VARIANTS:
            _one_run(emulator, variant, event_file, timings_file, environment)

        pairs = []
        for index in range(runs):
            order = VARIANTS if index % 2 == 0 else VARIANTS[::-1]
            results = {variant: _one_run(emulator, variant, event_file, timings_file, environment)
                       for variant in order}
            pairs.append(results)

        import_time = measure_import_time(
            emulator.url, event_file, importtime_repeats,
            reset=lambda: emulator.reset({"instances": [new_instance(INSTANCE_ID)]}))

    ours = [pair["ours"] for pair in pairs]
    sdk = [pair["sdk"] for pair in pairs]
    settles = {run["claim_settle_seconds"] for run in ours + sdk}
    if len(settles) != 1:
        raise RuntimeError(f"the variants wait different claim settle times {sorted(settles)}; "
                           "make CLAIM_SETTLE_SECONDS in bench/sdk_handler.py equal to the product's")
    settle = settles.pop()

    def paired_ratio(key: str, minus: float = 0.0) -> float:
        return round(median([(pair["ours"][key] - minus) / (pair["sdk"][key] - minus) for pair in pairs]), 3)

    return {
        "runs_per_variant": runs,
        "calls_per_run": EXPECTED_CALLS,
        "claim_settle_seconds": settle,
        "ours": _variant_summary(ours),
        "sdk": _variant_summary(sdk),
        "ratio_wall_time_median": paired_ratio("wall_seconds"),
        "ratio_wall_time_without_settle_median": paired_ratio("wall_seconds", settle),
        "ratio_import_time_median": paired_ratio("import_seconds"),
        "ratio_peak_rss_median": paired_ratio("peak_rss_kib"),
        "target_wall_time_ratio": TARGET_TIME_RATIO,
        "runs": pairs,
        "import_time": import_time,
    }

"""The sweep across regions: paging, call counts, concurrency and the deadline."""

from __future__ import annotations

import math

from shared.config import load_config
from shared.sweep import SWEEP_QUIET_OUTCOMES, resolve_regions, sweep
from tests.installer.helpers import calls_of, instance, make_run

REGIONS = ("cn-hangzhou", "cn-shanghai", "ap-southeast-1")


def _fleet(per_region: int) -> dict:
    instances = []
    for region_index, region in enumerate(REGIONS):
        for n in range(per_region):
            agent = "none" if n % 4 == 0 else "online"
            status = "Stopped" if n % 10 == 9 else "Running"
            instances.append(instance(f"i-sweep{region_index}{n:014d}", region=region, agent=agent, status=status))
    return {"regions": [], "instances": instances}


def _expected_missing(per_region: int) -> int:
    return sum(1 for n in range(per_region) if n % 4 == 0 and n % 10 != 9) * len(REGIONS)


def test_sweep_installs_missing(emulator):
    per_region = 237
    emulator.reset(_fleet(per_region))
    run = make_run(emulator, quiet=SWEEP_QUIET_OUTCOMES)

    sweep(run, list(REGIONS), max_concurrency=3)

    counts = run.report.counts
    missing = _expected_missing(per_region)
    running = sum(1 for n in range(per_region) if n % 10 != 9) * len(REGIONS)
    assert counts.get("installed") == missing
    assert counts.get("already_online") == running - missing
    assert "skipped_not_running" not in counts
    assert run.report.complete


def test_sweep_calls_at_lower_bound(emulator):
    per_region = 237
    emulator.reset(_fleet(per_region))
    run = make_run(emulator, quiet=SWEEP_QUIET_OUTCOMES)

    sweep(run, list(REGIONS), max_concurrency=2)

    running_per_region = sum(1 for n in range(per_region) if n % 10 != 9)
    pages = math.ceil(running_per_region / 100) * len(REGIONS)
    assert len(calls_of(emulator, "DescribeInstances")) == pages
    # Pages of 100 take two status calls of 50; the last page of each region may need one.
    assert len(calls_of(emulator, "DescribeCloudAssistantStatus")) == math.ceil(running_per_region / 50) * len(REGIONS)
    # Installs are batched across pages, so each region needs ceil(missing / 50) calls.
    missing_per_region = _expected_missing(per_region) // len(REGIONS)
    assert len(calls_of(emulator, "InstallCloudAssistant")) == math.ceil(missing_per_region / 50) * len(REGIONS)
    assert len(calls_of(emulator, "TagResources")) == math.ceil(missing_per_region / 50) * len(REGIONS)


def test_sweep_lists_only_actionable(emulator):
    emulator.reset(_fleet(40))
    run = make_run(emulator, quiet=SWEEP_QUIET_OUTCOMES)

    sweep(run, list(REGIONS), max_concurrency=2)

    listed = {item["outcome"] for item in run.report.to_dict()["instances"]}
    assert listed == {"installed"}


def test_sweep_deadline_defers_rest(emulator):
    emulator.reset(_fleet(300))
    emulator.set_faults([{"kind": "latency", "action": "DescribeInstances", "rate": 1.0, "latencyMs": 400}])
    run = make_run(emulator, seconds=1.5, quiet=SWEEP_QUIET_OUTCOMES)

    sweep(run, list(REGIONS), max_concurrency=2)

    result = run.report.to_dict()
    assert not result["complete"]
    assert {item["regionId"] for item in result["deferredWork"]} == set(REGIONS)


def test_resolve_regions_requested_within_allowed(emulator):
    run = make_run(emulator)
    config = load_config({"ALLOWED_REGIONS": "cn-hangzhou,cn-shanghai"})

    regions = resolve_regions(run, config, "cn-hangzhou", ["cn-shanghai", "cn-beijing", "bad region"])

    assert regions == ["cn-shanghai"]
    reasons = [item["reason"] for item in run.report.to_dict()["rejected"]]
    assert any("cn-beijing is not in ALLOWED_REGIONS" in reason for reason in reasons)
    assert len(reasons) == 2


def test_resolve_regions_all(emulator):
    run = make_run(emulator)
    config = load_config({"SWEEP_REGIONS": "all"})

    regions = resolve_regions(run, config, "cn-hangzhou", None)

    assert "cn-hangzhou" in regions
    assert "ap-southeast-1" in regions
    assert len(calls_of(emulator, "DescribeRegions")) == 1


def test_resolve_regions_defaults_to_own():
    config = load_config({})

    assert resolve_regions(None, config, "cn-beijing", None) == ["cn-beijing"]

"""Smoke test of the benchmark code: the quick run's cheapest parts, with no timing asserts."""

from __future__ import annotations

import json

from bench.run import main


def test_quick_sweep_calls_and_signing(tmp_path):
    exit_code = main(["--quick", "--only", "sweep_calls", "--only", "signing", "--output-dir", str(tmp_path)])

    assert exit_code == 0
    calls = json.loads((tmp_path / "sweep_calls.json").read_text())
    signing = json.loads((tmp_path / "signing.json").read_text())
    sweep = calls["sweeps"][0]
    assert sweep["complete"] is True
    assert sweep["missing"] > 0
    assert sweep["calls"] == dict(sorted(sweep["client_counted_calls"].items()))
    assert sweep["ratio_total"] >= 1.0
    assert all(count >= sweep["lower_bound"][action] for action, count in sweep["calls"].items()
               if action in sweep["lower_bound"])
    assert signing["v1"]["ours_per_second"] > 0
    assert signing["v3"]["sdk_per_second"] > 0

"""The demo on a small fleet: every trigger works and the summary is printed."""

from __future__ import annotations

import json

from local import demo


def test_demo_small_fleet(tmp_path, capsys):
    log_file = tmp_path / "demo.jsonl"

    exit_code = demo.main(["--size", "150", "--launch", "30", "--seed", "3", "--log-file", str(log_file)])

    output = capsys.readouterr().out
    assert exit_code == 0
    assert "Outcomes of instance_events:" in output
    assert "Outcomes of scheduled_sweep:" in output
    assert "HTTP 404  InvalidInstance.NotFound" in output
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    assert any(line["event"] == "invocation_summary" for line in lines)
    assert "testsecret" not in log_file.read_text(encoding="utf-8")

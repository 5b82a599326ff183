"""JSON log lines: one object per line, secrets masked, odd values rendered."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import structlog

from shared.logs import bind_invocation, configure_logging, get_logger, register_secret


def _lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_json_line_with_context(capsys):
    configure_logging("INFO")
    bind_invocation(request_id="req-1", function="instance_events", trigger="instance_events", cold_start=True)

    get_logger("test").info("something_happened", instanceId="i-12345678")

    line = _lines(capsys)[-1]
    assert line["event"] == "something_happened"
    assert line["requestId"] == "req-1"
    assert line["coldStart"] is True
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


def test_context_cleared_between_invocations(capsys):
    configure_logging("INFO")
    bind_invocation(request_id="req-1", function="f", trigger="t", cold_start=True, regionId="cn-hangzhou")
    bind_invocation(request_id="req-2", function="f", trigger="t", cold_start=False)

    get_logger("test").info("second")

    line = _lines(capsys)[-1]
    assert line["requestId"] == "req-2"
    assert "regionId" not in line


def test_secrets_masked_by_key_and_value(capsys):
    configure_logging("INFO")
    register_secret("very-secret-value-123")

    get_logger("test").info("leak_attempt", access_key_secret="abc", note="token very-secret-value-123 inside",
                            nested={"SecurityToken": "zzz", "ok": 1})

    raw = capsys.readouterr().out
    assert "very-secret-value-123" not in raw
    assert '"abc"' not in raw
    assert "zzz" not in raw
    assert '"ok":1' in raw


def test_unserialisable_values_rendered(capsys):
    configure_logging("INFO")

    get_logger("test").info("odd_values", data=b"\xff\xfebytes", when=datetime(2026, 1, 1, tzinfo=timezone.utc),
                            mapping={("a", 1): "tuple key"}, obj=object())

    line = _lines(capsys)[-1]
    assert "bytes" in line["data"]
    assert line["when"].startswith("2026-01-01")
    assert "('a', 1)" in line["mapping"]


def test_capture_logs_sees_events():
    configure_logging("INFO")
    with structlog.testing.capture_logs() as captured:
        get_logger("test").warning("captured_event", value=1)

    assert captured[0]["event"] == "captured_event"
    assert captured[0]["log_level"] == "warning"


def test_report_masks_registered_secret():
    from shared.report import Report

    register_secret("caller-echoed-secret-42")
    report = Report("req-1", "test")
    report.reject("invalid payload", "prefix caller-echoed-secret-42 suffix")

    rejected = report.to_dict()["rejected"][0]
    assert "caller-echoed-secret-42" not in rejected["value"]
    assert rejected["value"] == "prefix *** suffix"

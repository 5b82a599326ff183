"""FcInstance: event encoding, cold start, module state, timeout, errors and concurrency."""

from __future__ import annotations

import json
import os
import sys

import pytest

from local.fc_runtime import (
    Credentials,
    FcConfigError,
    FcInvocationError,
    FcTimeoutError,
    encode_event,
)
from tests.local_runtime.conftest import FIXTURE_FUNCTIONS


@pytest.mark.parametrize(("event", "expected"), [
    ({"a": 1}, '{"a": 1}'),
    ([1, 2], "[1, 2]"),
    ("plain text", "plain text"),
    (b"\x00raw bytes", "\x00raw bytes"),
    (bytearray(b"array"), "array"),
])
def test_handler_receives_bytes(make_instance, event, expected):
    result = make_instance("echo").invoke(event)

    assert result["event_type"] == "bytes"
    assert result["event"] == expected


def test_encode_event_rejects_other_types():
    with pytest.raises(TypeError, match="invalid event type int"):
        encode_event(42)


def test_request_id_reaches_handler(make_instance):
    assert make_instance("echo").invoke({}, request_id="req-42")["request_id"] == "req-42"


def test_initializer_runs_once(make_instance):
    instance = make_instance("echo")

    first = instance.invoke({})
    second = instance.invoke({})

    assert first["initializer_calls"] == 1
    assert second["initializer_calls"] == 1


def test_initializer_waits_for_first_invocation(make_instance):
    instance = make_instance("echo")
    module = sys.modules[instance.handler.__module__]

    assert module.INITIALIZER_CALLS == []
    instance.invoke({}, request_id="first")
    assert module.INITIALIZER_CALLS == ["first"]


def test_initializer_once_under_concurrency(make_instance):
    results = make_instance("echo").invoke_many([{}] * 6, concurrency=6)

    assert [result["initializer_calls"] for result in results] == [1] * 6


def test_initializer_sees_function_environment(make_instance, monkeypatch):
    monkeypatch.delenv("REBOOT_POLICY", raising=False)

    result = make_instance("echo").invoke({})

    assert result["initializer_environment"] == ["new-instances"]


def test_instances_keep_separate_state(make_instance):
    first, second = make_instance("echo"), make_instance("echo")

    assert first.invoke({"action": "remember", "id": "evt-1"}) == {"new": True}
    assert first.invoke({"action": "remember", "id": "evt-1"}) == {"new": False}
    assert second.invoke({"action": "remember", "id": "evt-1"}) == {"new": True}


def test_close_removes_module(make_instance):
    instance = make_instance("echo")
    module_name = instance.handler.__module__

    instance.close()

    assert module_name not in sys.modules


def test_environment_applied_at_load(make_instance, monkeypatch):
    monkeypatch.delenv("REBOOT_POLICY", raising=False)

    seen = make_instance("echo", environment={"DRY_RUN": "true"}).invoke({})["import_environment"]

    assert seen["REBOOT_POLICY"] == "new-instances"
    assert seen["DRY_RUN"] == "true"
    assert seen["FC_FUNCTION_NAME"] == "echo"
    assert seen["FC_REGION"] == "cn-hangzhou"
    assert seen["FC_SERVICE_NAME"] == "fixture-service"
    assert seen["FC_QUALIFIER"] == "LATEST"


def test_environment_restored_after_load(make_instance, monkeypatch):
    monkeypatch.delenv("REBOOT_POLICY", raising=False)
    monkeypatch.delenv("FC_FUNCTION_NAME", raising=False)
    monkeypatch.setenv("EXTRA", "outer")

    seen = make_instance("echo", environment={"EXTRA": "inner"}).invoke({})["import_environment"]

    assert seen["EXTRA"] == "inner"
    assert os.environ["EXTRA"] == "outer"
    assert "REBOOT_POLICY" not in os.environ
    assert "FC_FUNCTION_NAME" not in os.environ


def test_credentials_exported_to_environment(make_instance, monkeypatch):
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID", raising=False)
    credentials = Credentials("ak-export", "secret", "token")

    seen = make_instance("echo", credentials=credentials).invoke({})["import_environment"]

    assert seen["ALIBABA_CLOUD_ACCESS_KEY_ID"] == "ak-export"
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" not in os.environ


def test_timeout_raises(make_instance):
    instance = make_instance("echo", timeout=0.2)

    with pytest.raises(FcTimeoutError) as caught:
        instance.invoke({"action": "sleep", "seconds": 1.0})

    assert caught.value.timeout == 0.2
    assert caught.value.payload["errorMessage"] == "Function time out after 0.2 seconds"


def test_instance_usable_after_timeout(make_instance):
    instance = make_instance("echo", timeout=0.2)
    with pytest.raises(FcTimeoutError):
        instance.invoke({"action": "sleep", "seconds": 1.0})

    assert make_instance("echo").invoke({"action": "text", "text": "ok"}) == "ok"
    assert instance.invoke({"action": "text", "text": "still ok"}) == "still ok"


def test_handler_error_shape(make_instance):
    with pytest.raises(FcInvocationError) as caught:
        make_instance("echo").invoke({"action": "raise", "message": "bad instance id"})

    payload = caught.value.payload
    assert set(payload) == {"errorMessage", "errorType", "stackTrace"}
    assert payload["errorMessage"] == "bad instance id"
    assert payload["errorType"] == "ValueError"
    assert isinstance(caught.value.__cause__, ValueError)


def test_handler_error_stack_trace(make_instance):
    with pytest.raises(FcInvocationError) as caught:
        make_instance("echo").invoke({"action": "raise"})

    stack = caught.value.payload["stackTrace"]
    handler_file = str(FIXTURE_FUNCTIONS / "echo" / "index.py")
    assert stack[-1][0] == f'File "{handler_file}"'
    assert stack[-1][1].startswith("line ")
    assert stack[-1][2] == "in handler"
    assert "raise ValueError" in stack[-1][3]
    assert all("fc_runtime" not in entry[0] for entry in stack)
    assert json.loads(json.dumps(caught.value.payload)) == caught.value.payload


def test_import_error_raises_invocation_error(make_instance):
    with pytest.raises(FcInvocationError) as caught:
        make_instance("broken")

    assert caught.value.payload["errorType"] == "ImportError"
    assert "missing_dependency" in caught.value.payload["errorMessage"]


def test_missing_function_folder(make_instance):
    with pytest.raises(FcConfigError, match="function folder not found"):
        make_instance("echo", functions_dir=FIXTURE_FUNCTIONS / "nowhere")


def test_function_missing_from_template(make_instance, tmp_path):
    (tmp_path / "other").mkdir()

    with pytest.raises(FcConfigError, match="function 'other' not found in the template"):
        make_instance("other", functions_dir=tmp_path)


def test_missing_template(make_instance, tmp_path):
    with pytest.raises(FcConfigError, match="ROS template not found"):
        make_instance("echo", template_path=tmp_path / "template.yml")


def test_missing_handler_method(make_instance, tmp_path):
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "index.py").write_text("def initialize(context):\n    pass\n")

    with pytest.raises(FcConfigError, match="handler 'handler' not found"):
        make_instance("echo", functions_dir=tmp_path)


def test_invoke_many_keeps_order(make_instance):
    events = [{"action": "text", "text": str(number)} for number in range(8)]

    results = make_instance("echo").invoke_many(events, concurrency=4)

    assert results == [str(number) for number in range(8)]


def test_invoke_many_returns_errors(make_instance):
    events = [{"action": "text", "text": "ok"}, {"action": "raise", "message": "boom"}]

    results = make_instance("echo").invoke_many(events, concurrency=2)

    assert results[0] == "ok"
    assert isinstance(results[1], FcInvocationError)
    assert results[1].payload["errorMessage"] == "boom"


def test_invoke_many_runs_concurrently(make_instance):
    event = {"action": "barrier", "name": "three", "parties": 3, "timeout": 10}

    results = make_instance("echo").invoke_many([event] * 3, concurrency=3)

    assert all(isinstance(result, dict) for result in results), results


def test_invoke_many_respects_limit(make_instance):
    event = {"action": "count", "seconds": 0.05}

    results = make_instance("echo").invoke_many([event] * 9, concurrency=3)

    assert max(results) <= 3


def test_invoke_many_serial_by_default(make_instance):
    event = {"action": "barrier", "name": "two", "parties": 2, "timeout": 0.3}

    results = make_instance("echo").invoke_many([event] * 2)

    assert all(isinstance(result, FcInvocationError) for result in results)
    assert results[0].payload["errorType"] == "BrokenBarrierError"


def test_invoke_many_rejects_zero_concurrency(make_instance):
    with pytest.raises(ValueError, match="invalid concurrency 0"):
        make_instance("echo").invoke_many([{}], concurrency=0)

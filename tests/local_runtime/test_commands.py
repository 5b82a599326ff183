"""`python -m local.invoke` and `python -m local.serve` run as real subprocesses."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.local_runtime.conftest import FIXTURE_FUNCTIONS, FIXTURE_TEMPLATE

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_OPTIONS = ["--functions-dir", str(FIXTURE_FUNCTIONS), "--template", str(FIXTURE_TEMPLATE)]


def run_invoke(*arguments: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "local.invoke", *arguments],
        input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )


def write_event(tmp_path: Path, event: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return str(path)


def test_invoke_prints_only_result(tmp_path):
    event_file = write_event(tmp_path, {"hello": "world"})

    completed = run_invoke("echo", "--event", event_file, "--request-id", "req-cli",
                           *FIXTURE_OPTIONS)

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert completed.stdout == json.dumps(result, ensure_ascii=False) + "\n"
    assert result["event"] == '{"hello": "world"}'
    assert result["request_id"] == "req-cli"


def test_invoke_logs_go_to_stderr(tmp_path):
    completed = run_invoke("echo", "--event", write_event(tmp_path, {}), *FIXTURE_OPTIONS)

    assert "echo module loaded" in completed.stderr
    assert '"message": "echo invoked"' in completed.stderr
    assert "echo invoked" not in completed.stdout


def test_invoke_reads_stdin():
    completed = run_invoke("echo", "--event", "-", *FIXTURE_OPTIONS,
                           stdin='{"action": "text", "text": "from stdin"}')

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "from stdin\n"


def test_invoke_env_and_region(tmp_path):
    completed = run_invoke("echo", "--event", write_event(tmp_path, {}), "--env", "DRY_RUN=true",
                           "--env", "EXTRA=a=b", "--region", "cn-shanghai", *FIXTURE_OPTIONS)

    result = json.loads(completed.stdout)
    assert result["import_environment"]["DRY_RUN"] == "true"
    assert result["import_environment"]["EXTRA"] == "a=b"
    assert result["region"] == "cn-shanghai"


def test_invoke_handler_error(tmp_path):
    event_file = write_event(tmp_path, {"action": "raise", "message": "no such instance"})

    completed = run_invoke("echo", "--event", event_file, *FIXTURE_OPTIONS)

    assert completed.returncode == 1
    payload = json.loads(completed.stdout)
    assert payload["errorMessage"] == "no such instance"
    assert payload["errorType"] == "ValueError"
    assert "Invocation failed: ValueError: no such instance" in completed.stderr


def test_invoke_timeout(tmp_path):
    event_file = write_event(tmp_path, {"action": "sleep", "seconds": 2})

    completed = run_invoke("echo", "--event", event_file, "--timeout", "0.2", *FIXTURE_OPTIONS)

    assert completed.returncode == 1
    assert json.loads(completed.stdout)["errorMessage"] == "Function time out after 0.2 seconds"


@pytest.mark.parametrize(("arguments", "message"), [
    (["nothing", "--event", "-"], "function 'nothing' not found in the template"),
    (["echo", "--event", "-", "--env", "NOEQUALS"], "invalid --env 'NOEQUALS'"),
    (["echo", "--event", "/nonexistent/event.json"], "cannot read event file"),
    (["echo", "--event", "-", "--timeout", "0"], "invalid --timeout 0"),
    (["echo"], "--event"),
])
def test_invoke_usage_errors(arguments, message):
    completed = run_invoke(*arguments, *FIXTURE_OPTIONS)

    assert completed.returncode == 2
    assert message in completed.stderr
    assert completed.stdout == ""


@pytest.fixture
def served_web():
    process = subprocess.Popen(
        [sys.executable, "-m", "local.serve", "web", "--port", "0", *FIXTURE_OPTIONS],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
    )
    first_line = process.stdout.readline()
    yield process, first_line
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def base_url(first_line: str) -> str:
    prefix = "Listening on "
    assert first_line.startswith(prefix), first_line
    return first_line[len(prefix):].strip()


def test_serve_prints_url_first(served_web):
    _, first_line = served_web

    assert first_line.startswith("Listening on http://127.0.0.1:")
    assert int(first_line.rsplit(":", 1)[1]) > 0


def test_serve_answers_proxy_path(served_web):
    _, first_line = served_web
    url = base_url(first_line) + "/2016-08-15/proxy/fixture-service/web/instances?id=i-1"
    headers = {"Content-Type": "application/json", "X-Api-Token": "t"}

    response = requests.post(url, data=b'{"a": 1}', headers=headers, timeout=10)
    environ = response.json()
    request_id = response.headers["X-Fc-Request-Id"]
    cookies = response.raw.headers.getlist("Set-Cookie")

    assert response.status_code == 201
    assert environ["PATH_INFO"] == "/instances"
    assert environ["QUERY_STRING"] == "id=i-1"
    assert environ["fc.request_uri"] == "/2016-08-15/proxy/fixture-service/web/instances?id=i-1"
    assert environ["body"] == '{"a": 1}'
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["HTTP_X_API_TOKEN"] == "t"
    assert environ["context_request_id"] == request_id
    assert cookies == ["a=1", "b=2"]


def test_serve_handler_error_502(served_web):
    _, first_line = served_web

    response = requests.get(base_url(first_line) + "/raise", timeout=10)

    assert response.status_code == 502
    assert response.headers["X-Fc-Error-Type"] == "UnhandledInvocationError"
    assert response.json()["errorType"] == "RuntimeError"


def test_serve_logs_handler_error(served_web):
    process, first_line = served_web
    requests.get(base_url(first_line) + "/raise", timeout=10)

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)

    assert "Invocation failed: RuntimeError: web handler failed" in process.stderr.read()


def test_serve_head_has_no_body(served_web):
    _, first_line = served_web
    host, port = base_url(first_line).removeprefix("http://").split(":")
    request = b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk

    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201")
    assert b"Content-Length: 0" not in head
    assert body == b""


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_on_signal(served_web, stop_signal):
    process, first_line = served_web
    base_url(first_line)

    process.send_signal(stop_signal)

    assert process.wait(timeout=10) == 0
    assert f"Stopping on {stop_signal.name}" in process.stderr.read()


def test_serve_unknown_function_exits_2():
    completed = subprocess.run(
        [sys.executable, "-m", "local.serve", "nothing", "--port", "0", *FIXTURE_OPTIONS],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )

    assert completed.returncode == 2
    assert "function 'nothing' not found" in completed.stderr


def test_serve_rejects_oversized_body(served_web):
    _, first_line = served_web
    host, port = base_url(first_line).removeprefix("http://").split(":")
    request = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               b"Content-Length: 40000000\r\n\r\n")

    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        status_line = connection.makefile("rb").readline()

    assert status_line.startswith(b"HTTP/1.1 400")

"""The emulator's HTTP server and its Python API."""

from __future__ import annotations

import json
import logging
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import spec as fleet_spec
from .api import Outcome, handle_api_call
from .auth import Credentials, NonceCache
from .calllog import CallLog
from .control import CONTROL_PREFIX, ControlError, handle_control
from .faults import FaultSet
from .models import FleetState
from .wire import parse_request

logger = logging.getLogger("local.ecs_emulator")
SLOW_BODY_CHUNKS = 10


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open between calls, as the SDKs' sessions expect.
    protocol_version = "HTTP/1.1"
    server_version = "ecs-emulator"
    sys_version = ""

    def setup(self):
        super().setup()
        # Headers and body go out in two writes. Without TCP_NODELAY, Nagle's algorithm and
        # the client's delayed ACK hold the body back by about 40 ms on a kept-alive socket.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def log_message(self, format, *args):  # noqa: A002 - the base class names it format
        logger.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emulator = self.server.emulator

        if self.path.startswith(CONTROL_PREFIX):
            self._control(emulator, body)
            return

        request = parse_request(self.command, self.path, list(self.headers.items()), body)
        self._send(handle_api_call(emulator, request))

    def _control(self, emulator, body: bytes) -> None:
        path = self.path.split("?", 1)[0]
        try:
            status, data = handle_control(emulator, self.command, path, body)
        except ControlError as error:
            logger.debug("control call %s %s failed: %s", self.command, path, error.message)
            status, data = error.status, {"error": error.message}
        except Exception as error:
            logger.exception("control call %s %s failed inside the emulator", self.command, path)
            status, data = 500, {"error": f"the emulator failed: {error!r}"}
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(Outcome(status, None, payload, "application/json;charset=utf-8"))

    def _send(self, outcome: Outcome) -> None:
        if outcome.reset:
            # SO_LINGER with a zero timeout makes close() send a TCP reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            return

        self.send_response(outcome.status)
        self.send_header("Content-Type", outcome.content_type)
        self.send_header("Content-Length", str(len(outcome.body)))
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.end_headers()

        if not outcome.slow_body_seconds:
            self.wfile.write(outcome.body)
            return
        step = max(1, -(-len(outcome.body) // SLOW_BODY_CHUNKS))
        for offset in range(0, len(outcome.body), step):
            time.sleep(outcome.slow_body_seconds / SLOW_BODY_CHUNKS)
            self.wfile.write(outcome.body[offset:offset + step])
            self.wfile.flush()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class EmulatorServer:
    """An ECS OpenAPI emulator on 127.0.0.1, with a Python API for tests and benchmarks.

    Usable as a context manager, which starts and stops it.
    """

    def __init__(self, port: int = 0, access_key_id: str = "testid",
                 access_key_secret: str = "testsecret",  # noqa: S107 - the published test pair
                 security_token: str | None = None,
                 fleet: dict | None = None):
        self.credentials = Credentials(access_key_id, access_key_secret, security_token)
        self.fleet_state = FleetState()
        self.faults = FaultSet()
        self.call_log = CallLog()
        self.nonces = NonceCache()
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        if fleet is not None:
            self.reset(fleet)

    def __repr__(self) -> str:
        return f"EmulatorServer(url={self.url!r}, {self.credentials!r})"

    def __enter__(self) -> EmulatorServer:
        if self._httpd is None:
            self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Server

    def start(self) -> EmulatorServer:
        """Listen on 127.0.0.1 and serve in a background thread."""
        if self._httpd is not None:
            raise RuntimeError(f"the emulator is already serving at {self.url}")
        self._httpd = _HTTPServer(("127.0.0.1", self._requested_port), _Handler)
        self._httpd.emulator = self
        # A short poll interval makes stop() return quickly.
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="ecs-emulator", daemon=True)
        self._thread.start()
        logger.info("ECS emulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket. Open connections are dropped."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        logger.info("ECS emulator at %s stopped", self.url)
        self._httpd = None
        self._thread = None

    @property
    def port(self) -> int | None:
        return self._httpd.server_address[1] if self._httpd is not None else None

    @property
    def url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self._httpd is not None else None

    # State

    def reset(self, spec: dict) -> int:
        """Replace the whole state with a fleet spec and return the number of instances."""
        with self.fleet_state.lock:
            fleet_spec.load_spec(self.fleet_state, spec)
            return len(self.fleet_state.by_id)

    def launch(self, instances: list) -> list[dict]:
        """Add instances, which start Pending, and return them in fleet-spec form."""
        with self.fleet_state.lock:
            return fleet_spec.launch(self.fleet_state, instances)

    def state(self) -> dict:
        """Return the current state in fleet-spec form, with "settings"."""
        with self.fleet_state.lock:
            return fleet_spec.dump_state(self.fleet_state)

    def settings(self, **values) -> dict:
        """Change lifecycle settings, such as transition_describes=1, and return them all."""
        with self.fleet_state.lock:
            self.fleet_state.settings.update(values)
            return self.fleet_state.settings.to_dict()

    # Calls and faults

    def calls(self) -> list[dict]:
        return self.call_log.entries()

    def clear_calls(self) -> int:
        return self.call_log.clear()

    def set_faults(self, faults: list) -> list[dict]:
        """Replace the current faults with a list of fault dicts and return them."""
        self.faults.replace(faults)
        return self.faults.describe()

    def clear_faults(self) -> list[dict]:
        self.faults.clear()
        return []

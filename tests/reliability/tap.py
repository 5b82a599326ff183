"""A recording HTTP relay on loopback between one warm function and the emulator.

The emulator's call log does not say which invocation sent a call. Giving each warm
function its own relay does, with the times at which each request arrived and its
response went back. The relay forwards method, path, headers and body unchanged,
so signatures still verify.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class TappedCall:
    """One relayed call: its action, its parameters and when it started and ended (monotonic seconds)."""

    action: str
    params: dict[str, str]
    started: float
    ended: float
    status: int


@dataclass
class Tap:
    """A relay's address and the calls it has relayed, oldest first."""

    url: str = ""
    calls: list[TappedCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler_class(tap: Tap, upstream: tuple[str, int]):
    class Relay(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class names it format
            return

        def do_POST(self):
            self._relay()

        def do_GET(self):
            self._relay()

        def _relay(self):
            started = time.monotonic()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
            connection = http.client.HTTPConnection(*upstream, timeout=30)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            finally:
                connection.close()

            params = dict(parse_qsl(urlsplit(self.path).query))
            params.update(parse_qsl(body.decode("utf-8", "replace")))
            action = self.headers.get("x-acs-action") or params.get("Action", "")
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            with tap.lock:
                tap.calls.append(TappedCall(action, params, started, time.monotonic(), response.status))

    return Relay


class TapServer:
    """Start a relay to `upstream_url` on 127.0.0.1; use it as a context manager."""

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self.tap = Tap()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self.tap, (parts.hostname, parts.port)))
        self._server.daemon_threads = True
        self.tap.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="tap", daemon=True)

    def __enter__(self) -> Tap:
        self._thread.start()
        return self.tap

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

"""A loopback HTTP server that sends scripted responses, for faults the emulator never shows.

It checks no signature. Tests use it for repeated page tokens, unrequested
instances, unreadable bodies and odd headers, and to see the raw request line.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedServer:
    """Loopback server that returns the next scripted response per request; the last one repeats."""

    def __init__(self) -> None:
        self.responses: list[tuple[int, dict[str, str], bytes]] = []
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *responses: tuple[int, dict[str, str], object]) -> None:
        """Set the responses; a body that is not bytes is sent as JSON."""
        encoded = []
        for status, headers, body in responses:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            encoded.append((status, headers, payload))
        with self._lock:
            self.responses = encoded
            self.requests = []

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, record: dict) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(record)
            if len(self.responses) > 1:
                return self.responses.pop(0)
            return self.responses[0]

    def _handler_class(self):
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                record = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
                status, headers, payload = scripted._next(record)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        return Handler

"""Serve an HTTP-triggered function on 127.0.0.1 through the local FC 2.0 runtime.

    python -m local.serve http_api --port 9000

The first line on stdout is `Listening on http://127.0.0.1:PORT`, and `--port 0` picks
a free port. Requests reach the function both at their own path (as through a custom
domain) and under FC's default path `/2016-08-15/proxy/<service>/<function>/...`,
whose prefix is removed from PATH_INFO. SIGTERM or Ctrl-C stops the server.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from local.fc_runtime.cli import add_instance_arguments, build_instance
from local.fc_runtime.errors import FcConfigError, FcError
from local.fc_runtime.instance import FcInstance

HOST = "127.0.0.1"
# FC 2.0 rejects synchronous request bodies above 32 MB with 400 InvalidArgument.
MAX_BODY_BYTES = 32 * 1024 * 1024
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def make_request_handler(instance: FcInstance) -> type[BaseHTTPRequestHandler]:
    class FunctionRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "local-fc2"

        def handle_request(self) -> None:
            started = time.monotonic()
            length_header = self.headers.get("Content-Length")
            length = int(length_header) if length_header and length_header.isdigit() else 0
            if length > MAX_BODY_BYTES:
                message = f"InvalidArgument: body of {length} bytes exceeds {MAX_BODY_BYTES} bytes"
                print(f"{self.command} {self.path} rejected: {message}", file=sys.stderr,
                      flush=True)
                self.send_error(400, message)
                return
            # NOTE: chunked request bodies (no Content-Length) are not read.
            body = self.rfile.read(length) if length else b""

            response = instance.http(self.command, self.path, headers=self.headers.items(),
                                     body=body)

            self.send_response(response.status)
            for name, value in response.header_list:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

            elapsed_ms = (time.monotonic() - started) * 1000
            request_id = response.header("X-Fc-Request-Id", "-")
            print(f"{self.command} {self.path} {response.status} {elapsed_ms:.1f}ms "
                  f"request_id={request_id}", file=sys.stderr, flush=True)
            if response.header("X-Fc-Error-Type"):
                error = response.json()
                print(f"Invocation failed: {error['errorType']}: {error['errorMessage']} "
                      f"request_id={request_id}", file=sys.stderr, flush=True)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            # handle_request logs each request once, with its request ID.
            pass

    for method in METHODS:
        setattr(FunctionRequestHandler, f"do_{method}", FunctionRequestHandler.handle_request)
    return FunctionRequestHandler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local.serve",
        description="Serve an HTTP-triggered function on 127.0.0.1.",
    )
    add_instance_arguments(parser)
    parser.add_argument("--port", type=int, required=True,
                        help="TCP port on 127.0.0.1, or 0 to pick a free port")
    return parser


def install_stop_handlers(server: ThreadingHTTPServer) -> None:
    """Make SIGTERM and SIGINT stop `server`, even if they arrive before serve_forever runs."""

    def stop(signum: int, frame: object) -> None:
        print(f"Stopping on {signal.Signals(signum).name}", file=sys.stderr, flush=True)
        # shutdown() waits for serve_forever to return, so it cannot run in the
        # main thread, which is the one inside serve_forever.
        threading.Thread(target=server.shutdown, name="serve-shutdown", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if not 0 <= arguments.port <= 65535:
        parser.error(f"invalid --port {arguments.port}: use 0 to 65535")

    try:
        # The module's import-time output must not come before the Listening line.
        with contextlib.redirect_stdout(sys.stderr):
            instance = build_instance(parser, arguments)
    except FcConfigError as error:
        parser.error(str(error))
    except FcError as error:
        print(f"Loading {arguments.function} failed: {error}", file=sys.stderr)
        return 1

    try:
        server = ThreadingHTTPServer((HOST, arguments.port), make_request_handler(instance))
    except OSError as error:
        print(f"Cannot listen on {HOST}:{arguments.port}: {error.strerror}", file=sys.stderr)
        return 1
    server.daemon_threads = True
    install_stop_handlers(server)

    print(f"Listening on http://{HOST}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        instance.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

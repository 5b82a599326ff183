"""Invoke one handler from an unpacked code zip, as Function Compute would, in this process.

Run as `python -I -S run_in_zip.py CODE_DIR REQUEST_FILE RESULT_FILE`. With -I -S
the interpreter can import only the standard library, so every other import must come
from CODE_DIR, the directory FC unpacks the zip into (/code).
This file imports nothing outside the standard library.

REQUEST_FILE is JSON: {"kind": "event" | "wsgi", "function", "timeout", "region",
"access_key_id", "access_key_secret", ...}. An "event" request has "event" (the
payload text); a "wsgi" request has "method", "path", "query" and "body". The
handler's return value is written to RESULT_FILE as JSON: {"status", "body"}.
"""

from __future__ import annotations

import io
import json
import os
import sys
import types


def build_context(request: dict) -> types.SimpleNamespace:
    """Build the FC 2.0 Python context attributes the handlers read."""
    credentials = types.SimpleNamespace(
        access_key_id=request["access_key_id"],
        access_key_secret=request["access_key_secret"],
        security_token=None,
    )
    function = types.SimpleNamespace(
        name=request["function"], handler="index.handler", memory=256, timeout=request["timeout"]
    )
    service = types.SimpleNamespace(
        name="cloud-assistant-autoinstall", log_project="", log_store="", qualifier="LATEST",
        version_id="",
    )
    return types.SimpleNamespace(
        request_id="zip-test-" + request["function"],
        credentials=credentials,
        function=function,
        service=service,
        region=request["region"],
        account_id="1234567890123456",
    )


def call_event(handler, request: dict, context) -> dict:
    result = handler(request["event"].encode("utf-8"), context)
    return {"status": None, "body": result if isinstance(result, str) else result.decode("utf-8")}


def call_wsgi(handler, request: dict, context) -> dict:
    body = request["body"].encode("utf-8")
    environ = {
        "REQUEST_METHOD": request["method"],
        "PATH_INFO": request["path"],
        "QUERY_STRING": request["query"],
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "9000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:9000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "fc.context": context,
        "fc.request_uri": request["path"],
    }
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = status
        started["headers"] = headers

    chunks = handler(environ, start_response)
    return {"status": started.get("status"), "body": b"".join(chunks).decode("utf-8")}


def main() -> int:
    code_dir, request_file, result_file = sys.argv[1:4]
    with open(request_file, encoding="utf-8") as stream:
        request = json.load(stream)

    sys.path.insert(0, code_dir)
    os.chdir(code_dir)
    import index

    context = build_context(request)
    call = call_wsgi if request["kind"] == "wsgi" else call_event
    result = call(index.handler, request, context)

    with open(result_file, "w", encoding="utf-8") as stream:
        json.dump(result, stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())

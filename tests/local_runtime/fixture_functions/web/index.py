"""WSGI handler for the local runtime's tests: returns its environ as JSON."""

import json

SKIPPED = ("wsgi.input", "wsgi.errors", "fc.context")


def handler(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/raise":
        raise RuntimeError("web handler failed")
    if path == "/text-chunk":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["not bytes"]
    if path == "/no-start":
        return [b"body without status"]

    length = environ.get("CONTENT_LENGTH")
    body = environ["wsgi.input"].read(int(length)) if length else b""
    report = {key: value for key, value in environ.items() if key not in SKIPPED}
    report["wsgi.version"] = list(environ["wsgi.version"])
    report["body"] = body.decode("utf-8")
    report["context_request_id"] = environ["fc.context"].request_id
    report["context_function"] = environ["fc.context"].function.name

    start_response("201 Created", [("Content-Type", "application/json"),
                                   ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    return [json.dumps(report).encode()]

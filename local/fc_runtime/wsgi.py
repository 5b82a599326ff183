"""Build the WSGI environ of an FC 2.0 HTTP request and collect the handler's response.

FC 2.0 Python HTTP handlers follow WSGI (PEP 3333) and find two extra keys in
`environ`: `fc.context` (the invocation context) and `fc.request_uri`:
https://www.alibabacloud.com/help/en/doc-detail/56316.htm
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

from local.fc_runtime.errors import UNHANDLED_ERROR_TYPE, FcError

# Requests through the default FC endpoint carry this prefix before the function's own path.
PROXY_PREFIX = "/2016-08-15/proxy/"
REQUEST_ID_HEADER = "X-Fc-Request-Id"

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
Query = str | Mapping[str, Any] | Iterable[tuple[str, Any]] | None


@dataclass(frozen=True)
class HttpResponse:
    """Response of one HTTP invocation. Header names keep the case the handler used.

    `headers` joins repeated headers with ", ". `header_list` keeps each one, because
    a Set-Cookie value may itself contain a comma.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    header_list: tuple[tuple[str, str], ...] = ()

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return the header `name`, compared without regard to case."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default

    def json(self) -> Any:
        return json.loads(self.body)


def strip_proxy_prefix(path: str, service_name: str, function_name: str) -> str:
    """Remove `/2016-08-15/proxy/<service>[.<qualifier>]/<function>` from the start of `path`.

    The service must match `service_name` unless that is empty, and the function must
    match `function_name`. Any other path is returned unchanged.
    """
    if not path.startswith(PROXY_PREFIX):
        return path
    parts = path[len(PROXY_PREFIX):].split("/", 2)
    if len(parts) < 2:
        return path

    service = parts[0].partition(".")[0]
    if parts[1] != function_name or (service_name and service != service_name):
        return path
    return "/" + (parts[2] if len(parts) == 3 else "")


def header_items(headers: Headers | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(name), str(value)) for name, value in headers.items()]
    return [(str(name), str(value)) for name, value in headers]


def encode_query(query: Query) -> str:
    """Encode `query` as a query string. A str is returned as is, taken as already encoded."""
    if query is None:
        return ""
    if isinstance(query, str):
        return query
    pairs = query.items() if isinstance(query, Mapping) else query
    return urlencode(list(pairs), doseq=True)


def build_environ(method: str, raw_path: str, path_info: str, query_string: str,
                  headers: Headers | None, body: bytes, context: object) -> dict[str, Any]:
    """Build the WSGI environ for one request.

    `raw_path` is the path as the client sent it (still percent-encoded) and goes into
    `fc.request_uri` with the query string. `path_info` is the part the function routes on.
    CONTENT_LENGTH is the Content-Length header verbatim when one is given (even an
    empty one), else the body length when there is a body, else absent.
    """
    items = header_items(headers)

    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.upper(),
        "SCRIPT_NAME": "",
        # PEP 3333: PATH_INFO is percent-decoded, and its bytes are carried as latin-1.
        "PATH_INFO": unquote_to_bytes(path_info).decode("latin-1"),
        "QUERY_STRING": query_string,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "fc.context": context,
        "fc.request_uri": raw_path + (f"?{query_string}" if query_string else ""),
    }

    for name, value in items:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
            continue
        key = f"HTTP_{key}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value

    if "CONTENT_LENGTH" not in environ and body:
        environ["CONTENT_LENGTH"] = str(len(body))

    host = environ.get("HTTP_HOST", "")
    name, separator, port = host.rpartition(":")
    if not separator or not port.isdigit():
        name, port = host, "80"
    if name:
        environ["SERVER_NAME"], environ["SERVER_PORT"] = name, port
    return environ


def call_application(application: Any, environ: dict[str, Any]) -> HttpResponse:
    """Call a WSGI application and join its body. Raise if it breaks the WSGI contract."""
    started: dict[str, Any] = {}
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
        # Nothing is sent before the application returns, so a second call with
        # exc_info may always replace the status and headers (PEP 3333).
        if started and exc_info is None:
            raise AssertionError("start_response called twice without exc_info")
        started["status"], started["headers"] = status, headers
        return written.append

    result = application(environ, start_response)
    try:
        for chunk in result:
            if not isinstance(chunk, bytes):
                raise TypeError(f"WSGI body chunks must be bytes, got {type(chunk).__name__}")
            written.append(chunk)
    finally:
        if hasattr(result, "close"):
            result.close()

    if not started:
        raise RuntimeError("the HTTP handler returned without calling start_response")
    header_list = tuple((str(name), str(value)) for name, value in started["headers"])
    return HttpResponse(_status_code(started["status"]), _join_headers(header_list),
                        b"".join(written), header_list)


def _status_code(status: str) -> int:
    code = status.split(" ", 1)[0]
    if len(code) != 3 or not code.isdigit():
        raise ValueError(f"invalid WSGI status {status!r}: expected '200 OK' or similar")
    return int(code)


def _join_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, str] = {}
    for name, value in headers:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def error_response(error: FcError, request_id: str) -> HttpResponse:
    """Render a failed HTTP invocation as FC 2.0 does.

    FC returns status 502 with `X-Fc-Error-Type: UnhandledInvocationError` when the
    function code raises: https://help.aliyun.com/document_detail/85445.html
    """
    # NOTE: FC documents the 502 for exceptions only. A timeout also gets 502 here.
    header_list = (
        ("Content-Type", "application/json"),
        ("X-Fc-Error-Type", UNHANDLED_ERROR_TYPE),
        (REQUEST_ID_HEADER, request_id),
    )
    body = json.dumps(error.payload).encode()
    return HttpResponse(502, dict(header_list), body, header_list)


def with_request_id(response: HttpResponse, request_id: str) -> HttpResponse:
    """Add FC's X-Fc-Request-Id response header, replacing one the handler set."""
    header_list = tuple(
        (name, value) for name, value in response.header_list
        if name.lower() != REQUEST_ID_HEADER.lower()
    ) + ((REQUEST_ID_HEADER, request_id),)
    return HttpResponse(response.status, _join_headers(header_list), response.body, header_list)

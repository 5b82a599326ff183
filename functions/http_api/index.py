"""FC handler for the HTTP trigger: a WSGI application serving the InstallCloudAssistant API.

FC2 calls `handler(environ, start_response)` and adds the invocation context to
`environ` as `fc.context`. Requests take the documented InstallCloudAssistant
form; see shared/httpapi for the parameters, errors and authentication modes.
"""

from __future__ import annotations

from shared.config import load_config
from shared.httpapi.app import handle
from shared.httpapi.errors import status_line
from shared.logs import configure_logging, register_secret

CONFIG = load_config()
configure_logging(CONFIG.log_level)
register_secret(CONFIG.http_api_token)

_cold_start = True


def handler(environ, start_response):
    global _cold_start
    cold_start, _cold_start = _cold_start, False

    status, headers, body = handle(environ, environ.get("fc.context"), CONFIG, cold_start)
    headers = {**headers, "Content-Length": str(len(body))}
    start_response(status_line(status), list(headers.items()))
    return [body]

"""Structured JSON logging on stdout, which Function Compute ships to Simple Log Service.

`configure_logging` runs once per process, before any logger is used. Each
invocation calls `bind_invocation`, which clears the context left by the previous
invocation of a warm instance and binds the new request's keys.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import structlog

MASK = "***"
SECRET_KEY_PARTS = ("secret", "token", "password", "signature", "authorization", "credential")

_configured = False
_configure_lock = threading.Lock()
_secret_values: set[str] = set()
_secret_lock = threading.Lock()
_MAX_SECRET_VALUES = 64


class _StdoutLogger:
    """Writes each line to the current `sys.stdout`, looked up at every write.

    The local runtime points `sys.stdout` at stderr during an invocation, so a
    logger bound earlier must not keep the old stream.
    """

    def msg(self, message: str) -> None:
        try:
            stream = sys.stdout
            stream.write(message + "\n")
            stream.flush()
        except (OSError, ValueError):
            # A closed or broken stream must not fail the invocation.
            pass

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _logger_factory(*_args: Any) -> _StdoutLogger:
    return _StdoutLogger()


def register_secret(value: str | None) -> None:
    """Mask this value wherever it appears in a log line from now on.

    Called with the access key secret and security token of each invocation. Only
    the most recent values are kept, because STS keys rotate.
    """
    if not value or len(value) < 6:
        return
    with _secret_lock:
        if len(_secret_values) >= _MAX_SECRET_VALUES:
            _secret_values.clear()
        _secret_values.add(value)


def _mask_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _is_secret_key(key: object) -> bool:
    lowered = str(key).lower()
    return any(part in lowered for part in SECRET_KEY_PARTS)


def _mask(value: Any, secrets: frozenset[str], depth: int = 0) -> Any:
    if depth > 20:
        return "<nested too deep>"
    if isinstance(value, str):
        return _mask_text(value, secrets) if secrets else value
    if isinstance(value, Mapping):
        return {
            str(key): MASK if _is_secret_key(key) else _mask(item, secrets, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_mask(item, secrets, depth + 1) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return _mask(bytes(value).decode("utf-8", "replace"), secrets, depth + 1)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return _mask(str(value), secrets, depth + 1)


def redact_secret_values(value: Any) -> Any:
    """Return `value` with every registered secret masked in its strings.

    Reports and HTTP responses go through this, because they can echo caller input.
    """
    with _secret_lock:
        secrets = frozenset(_secret_values)
    if not secrets:
        return value
    return _redact_values(value, secrets)


def _redact_values(value: Any, secrets: frozenset[str]) -> Any:
    if isinstance(value, str):
        return _mask_text(value, secrets)
    if isinstance(value, dict):
        return {key: _redact_values(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_values(item, secrets) for item in value]
    return value


def mask_secrets(_logger: Any, _method: str, event_dict: dict) -> dict:
    """Mask values under secret-sounding keys and every registered secret value.

    It also turns values JSON cannot encode (bytes, datetimes, tuple keys) into
    strings, so rendering never raises.
    """
    with _secret_lock:
        secrets = frozenset(_secret_values)
    return _mask(event_dict, secrets)


def _render_json(event_dict: Mapping[str, Any], **_kwargs: Any) -> str:
    return json.dumps(event_dict, default=str, ensure_ascii=False, separators=(",", ":"))


def configure_logging(level: str = "INFO") -> None:
    """Configure structlog once per process: JSON lines on stdout at `level` and above."""
    global _configured
    with _configure_lock:
        if _configured:
            return
        structlog.configure(
            processors=[
                structlog.contextvars.merge_contextvars,
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.processors.format_exc_info,
                mask_secrets,
                structlog.processors.JSONRenderer(serializer=_render_json),
            ],
            wrapper_class=structlog.make_filtering_bound_logger(level),
            logger_factory=_logger_factory,
            cache_logger_on_first_use=True,
        )
        _configured = True


def bind_invocation(*, request_id: str, function: str, trigger: str, cold_start: bool, **extra: Any) -> None:
    """Clear the previous invocation's context and bind this one's keys."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(
        requestId=request_id, function=function, trigger=trigger, coldStart=cold_start, **extra
    )


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)

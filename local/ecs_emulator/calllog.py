"""The in-memory log of API calls that tests and benchmarks read back."""

from __future__ import annotations

import collections
import threading

MAX_CALLS = 1_000_000
REDACTED = "<redacted>"
SECRET_PARAMS = ("SecurityToken",)


class CallLog:
    """The most recent API calls, oldest first, at most max_calls of them."""

    def __init__(self, max_calls: int = MAX_CALLS):
        self._lock = threading.Lock()
        self._calls: collections.deque[dict] = collections.deque(maxlen=max_calls)

    def record(self, entry: dict) -> None:
        with self._lock:
            self._calls.append(entry)

    def entries(self) -> list[dict]:
        with self._lock:
            return [dict(entry, params=dict(entry["params"])) for entry in self._calls]

    def clear(self) -> int:
        with self._lock:
            count = len(self._calls)
            self._calls.clear()
            return count


def loggable_params(params: dict) -> dict:
    """Return the parameters without Signature, and with the STS token redacted."""
    result = {}
    for name, value in params.items():
        if name == "Signature":
            continue
        result[name] = REDACTED if name in SECRET_PARAMS else value
    return result

"""Run one handler call in a worker thread so that the function's timeout can be enforced."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from local.fc_runtime.errors import FcInvocationError, FcTimeoutError


def call_with_timeout(function: Callable[[], Any], timeout: float, thread_name: str) -> Any:
    """Return `function()`, or raise FcTimeoutError after `timeout` seconds.

    An exception from `function` is raised as FcInvocationError with the original
    as `__cause__`. Python cannot stop a thread from outside, so after a timeout
    the daemon worker thread keeps running until the handler returns on its own.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - FC reports even SystemExit from a handler
            outcome["error"] = error

    worker = threading.Thread(target=run, name=thread_name, daemon=True)
    worker.start()
    worker.join(timeout)

    if worker.is_alive():
        raise FcTimeoutError(timeout)
    if "error" in outcome:
        raise FcInvocationError.from_exception(outcome["error"])
    return outcome["value"]

"""Errors of a local invocation, each carrying the JSON body that FC 2.0 would return.

For an unhandled exception FC 2.0 returns the header
`X-Fc-Error-Type: UnhandledInvocationError` and the body
`{"errorMessage", "errorType", "stackTrace"}`, where each stack entry is
`['File "<path>"', 'line <n>', 'in <function>', '<source line>']`:
https://www.alibabacloud.com/help/doc-detail/422185.html
"""

from __future__ import annotations

import traceback
from pathlib import Path

UNHANDLED_ERROR_TYPE = "UnhandledInvocationError"
RUNTIME_DIR = Path(__file__).resolve().parent


class FcConfigError(ValueError):
    """The function cannot be found or set up: missing folder, file, handler or template entry."""


class FcError(Exception):
    """An invocation failed. `payload` is the JSON body FC returns for it."""

    def __init__(self, error_type: str, error_message: str, stack_trace: list[list[str]]) -> None:
        super().__init__(f"{error_type}: {error_message}")
        self.error_type = error_type
        self.error_message = error_message
        self.stack_trace = stack_trace

    @property
    def payload(self) -> dict:
        return {
            "errorMessage": self.error_message,
            "errorType": self.error_type,
            "stackTrace": self.stack_trace,
        }


class FcInvocationError(FcError):
    """The handler or initializer raised. The original exception is `__cause__`."""

    @classmethod
    def from_exception(cls, error: BaseException) -> FcInvocationError:
        wrapped = cls(type(error).__name__, str(error), stack_trace(error))
        wrapped.__cause__ = error
        return wrapped


class FcTimeoutError(FcError):
    """The handler did not return within the function's timeout.

    FC stops the instance at that point. Locally the worker thread cannot be
    stopped, so it runs on in the background until the handler returns.
    """

    def __init__(self, timeout: float) -> None:
        # NOTE: FC documents only the message prefix "Function time out after", so
        # the errorType here is this runtime's choice.
        super().__init__("FunctionTimeoutError", f"Function time out after {timeout:g} seconds", [])
        self.timeout = timeout


def stack_trace(error: BaseException) -> list[list[str]]:
    """Format the traceback of `error` as FC does, leaving out this runtime's own frames."""
    frames = traceback.extract_tb(error.__traceback__)
    entries = []
    for frame in frames:
        if Path(frame.filename).resolve().parent == RUNTIME_DIR:
            continue
        entries.append([f'File "{frame.filename}"', f"line {frame.lineno}",
                        f"in {frame.name}", frame.line or ""])
    return entries

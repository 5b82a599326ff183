"""Invocation deadline, measured on the monotonic clock."""

from __future__ import annotations

import time


class Deadline:
    """Point in monotonic time after which no new work may start."""

    def __init__(self, expires_at: float) -> None:
        self.expires_at = expires_at

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    @classmethod
    def from_context(cls, context: object, margin_seconds: float) -> Deadline:
        """Build the deadline from the FC context: the function timeout minus a margin.

        FC2 gives the timeout in whole seconds in `context.function.timeout`. A
        context without it (a plain script) gets 60 seconds.
        """
        function = getattr(context, "function", None)
        timeout = getattr(function, "timeout", None) or 60
        return cls.after(max(float(timeout) - margin_seconds, 0.0))

    def remaining(self) -> float:
        """Return the seconds left, never below zero."""
        return max(self.expires_at - time.monotonic(), 0.0)

    def expired(self) -> bool:
        return time.monotonic() >= self.expires_at

    def __repr__(self) -> str:
        return f"Deadline(remaining={self.remaining():.3f}s)"

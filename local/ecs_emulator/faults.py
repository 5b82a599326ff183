"""Injected faults: throttling, server errors, connection resets, latency and slow bodies.

A fault applies to one action or to every action ("*"). It is chosen by the 1-based count
of calls it has seen ("nth"), by a seeded random rate ("rate"), or for every call when
neither is given. The "qps" kind instead throttles calls past a per-action rate.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from dataclasses import dataclass, field

from . import errors

THROTTLE_MESSAGES = {
    "Throttling.User": "Request was denied due to user flow control.",
    "Throttling.Api": "Request was denied due to api flow control.",
    "Throttling": "Request was denied due to flow control.",
}
SERVER_ERRORS = {
    "internal_error": (500, "InternalError",
                       "The request processing has failed due to some unknown error."),
    "dispatch_error": (500, "InternalError.Dispatch",
                       "An error occurred when the request was dispatched. Try again later."),
    "unavailable": (503, "ServiceUnavailable",
                    "The request has failed due to a temporary failure of the server."),
}
KINDS = ("throttle", "qps", "latency", "slow_body", "reset_before", "reset_after",
         *SERVER_ERRORS)
COMMON_KEYS = {"kind", "action", "rate", "nth", "seed"}
KIND_KEYS = {
    "throttle": {"code", "retryAfterMs"},
    "qps": {"limit", "retryAfterMs"},
    "latency": {"latencyMs"},
    "slow_body": {"latencyMs"},
}


@dataclass
class Plan:
    """The effect of the faults on one call."""

    latency_seconds: float = 0.0
    slow_body_seconds: float = 0.0
    error: errors.ApiError | None = None
    reset_before: bool = False
    reset_after: bool = False
    kinds: list[str] = field(default_factory=list)


class Fault:
    """One fault, parsed and checked from its dict form."""

    def __init__(self, spec: dict):
        if not isinstance(spec, dict):
            raise ValueError(f"a fault must be a JSON object, got {spec!r}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"fault kind {kind!r} is not one of {list(KINDS)}")
        unknown = set(spec) - COMMON_KEYS - KIND_KEYS.get(kind, set())
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)} for a {kind} fault")

        self.spec = dict(spec)
        self.kind = kind
        self.action = spec.get("action", "*")
        self.nth = set(spec.get("nth") or [])
        self.rate = spec.get("rate")
        if self.rate is not None and not 0 <= self.rate <= 1:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate!r}")
        if any(not isinstance(n, int) or n < 1 for n in self.nth):
            raise ValueError(f"fault nth must list call numbers from 1, got {spec['nth']!r}")
        self.code = spec.get("code", "Throttling.User")
        if kind == "throttle" and self.code not in THROTTLE_MESSAGES:
            raise ValueError(f"throttle code {self.code!r} is not one of "
                             f"{list(THROTTLE_MESSAGES)}")
        self.retry_after_ms = spec.get("retryAfterMs")
        self.latency_seconds = float(spec.get("latencyMs", 0)) / 1000
        self.limit = spec.get("limit")
        if kind == "qps" and (not isinstance(self.limit, int) or self.limit < 0):
            raise ValueError(f"a qps fault needs an integer limit >= 0, got {self.limit!r}")

        self.calls = 0
        self._random = random.Random(spec.get("seed", 0))
        self._windows: dict[str, collections.deque[float]] = collections.defaultdict(
            collections.deque)

    def applies_to(self, action: str) -> bool:
        return self.action in ("*", action)

    def selected(self) -> bool:
        """Count one call and return whether this fault hits it."""
        self.calls += 1
        if self.nth:
            return self.calls in self.nth
        if self.rate is not None:
            return self._random.random() < self.rate
        return True

    def over_rate(self, action: str, now: float) -> bool:
        """Return True when the action already had limit calls in the last second."""
        window = self._windows[action]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.limit:
            return True
        window.append(now)
        return False

    def throttle_error(self, code: str) -> errors.ApiError:
        headers = {}
        if self.retry_after_ms is not None:
            headers["x-acs-retry-after"] = str(int(self.retry_after_ms))
        return errors.ApiError(THROTTLE_MESSAGES[code], code=code, status=400, headers=headers)


class FaultSet:
    """The current set of faults, safe to use from several threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def replace(self, specs: list) -> None:
        """Replace every fault, or raise ValueError and keep the old set when one is invalid."""
        if not isinstance(specs, list):
            raise ValueError(f"faults must be a list of fault objects, got {specs!r}")
        parsed = [Fault(spec) for spec in specs]
        with self._lock:
            self._faults = parsed

    def clear(self) -> None:
        with self._lock:
            self._faults = []

    def describe(self) -> list[dict]:
        with self._lock:
            return [dict(fault.spec, calls=fault.calls) for fault in self._faults]

    def plan(self, action: str) -> Plan:
        """Decide what the faults do to one call of the action."""
        plan = Plan()
        now = time.monotonic()
        with self._lock:
            for fault in self._faults:
                if not fault.applies_to(action):
                    continue
                if fault.kind == "qps":
                    if fault.over_rate(action, now) and plan.error is None:
                        plan.error = fault.throttle_error("Throttling.Api")
                        plan.kinds.append("qps")
                    continue
                if not fault.selected():
                    continue
                self._apply(fault, plan)
        return plan

    @staticmethod
    def _apply(fault: Fault, plan: Plan) -> None:
        if fault.kind == "latency":
            plan.latency_seconds += fault.latency_seconds
        elif fault.kind == "slow_body":
            plan.slow_body_seconds = max(plan.slow_body_seconds, fault.latency_seconds)
        elif plan.error is not None or plan.reset_before or plan.reset_after:
            return  # the first terminal fault decides the call
        elif fault.kind == "throttle":
            plan.error = fault.throttle_error(fault.code)
        elif fault.kind in SERVER_ERRORS:
            status, code, message = SERVER_ERRORS[fault.kind]
            plan.error = errors.ApiError(message, code=code, status=status)
        elif fault.kind == "reset_before":
            plan.reset_before = True
        elif fault.kind == "reset_after":
            plan.reset_after = True
        plan.kinds.append(fault.kind)

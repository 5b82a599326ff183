"""Per-instance outcomes and the report of one invocation.

Every instance an invocation touches ends with exactly one outcome. The report is
JSON-serialisable; the handlers return it and the HTTP API renders it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from shared.logs import get_logger, redact_secret_values

INVALID_ID = "invalid_id"
NOT_FOUND = "not_found"
SKIPPED_NOT_RUNNING = "skipped_not_running"
SKIPPED_OUT_OF_SCOPE = "skipped_out_of_scope"
ALREADY_ONLINE = "already_online"
INSTALLED = "installed"
REBOOTED = "rebooted"
ONLINE = "online"
AWAITING_REBOOT = "awaiting_reboot"
AWAITING_HEARTBEAT = "awaiting_heartbeat"
DEFERRED = "deferred"
FAILED = "failed"
DRY_RUN = "dry_run"

OUTCOMES = (
    INVALID_ID, NOT_FOUND, SKIPPED_NOT_RUNNING, SKIPPED_OUT_OF_SCOPE, ALREADY_ONLINE,
    INSTALLED, REBOOTED, ONLINE, AWAITING_REBOOT, AWAITING_HEARTBEAT, DEFERRED, FAILED, DRY_RUN,
)
# Outcomes after which nothing is left to do for the instance in this invocation.
SETTLED_OUTCOMES = frozenset(OUTCOMES) - {DEFERRED, FAILED}

log = get_logger("shared.report")


@dataclass(frozen=True)
class Outcome:
    """Outcome of one instance, with the reason and, for failures, the ECS error."""

    instance_id: str
    region_id: str
    outcome: str
    reason: str = ""
    error_code: str | None = None
    retryable: bool | None = None
    ecs_request_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "instanceId": self.instance_id,
            "regionId": self.region_id,
            "outcome": self.outcome,
            "reason": self.reason,
            "errorCode": self.error_code,
            "retryable": self.retryable,
            "ecsRequestId": self.ecs_request_id,
        }


class Report:
    """Thread-safe collector of outcomes, rejections and deferred work for one invocation.

    `quiet_outcomes` are counted and logged at debug level but not listed, so a
    sweep over a large fleet lists and logs only the instances that needed something.
    """

    def __init__(self, request_id: str, trigger: str, quiet_outcomes: frozenset[str] = frozenset()) -> None:
        self.request_id = request_id
        self.trigger = trigger
        self.quiet_outcomes = quiet_outcomes
        self.started = time.monotonic()
        self.api_calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._outcomes: dict[tuple[str, str], Outcome] = {}
        self._quiet_keys: set[tuple[str, str]] = set()
        self._counts: dict[str, int] = {}
        self._rejected: list[dict[str, str]] = []
        self._deferred_work: list[dict[str, str]] = []

    def add(self, outcome: Outcome) -> None:
        """Record an outcome; an instance already recorded keeps its first one."""
        key = (outcome.region_id, outcome.instance_id)
        quiet = outcome.outcome in self.quiet_outcomes
        with self._lock:
            if key in self._outcomes or key in self._quiet_keys:
                log.warning(
                    "outcome_duplicate_ignored",
                    instanceId=outcome.instance_id,
                    regionId=outcome.region_id,
                    ignored=outcome.outcome,
                )
                return
            # Quiet outcomes keep only their key, so a sweep of a large fleet stays small in memory.
            if quiet:
                self._quiet_keys.add(key)
            else:
                self._outcomes[key] = outcome
            self._counts[outcome.outcome] = self._counts.get(outcome.outcome, 0) + 1

        method = log.debug if quiet else log.info
        if outcome.outcome == FAILED:
            method = log.warning
        method(
            "instance_outcome",
            instanceId=outcome.instance_id,
            regionId=outcome.region_id,
            outcome=outcome.outcome,
            reason=outcome.reason,
            errorCode=outcome.error_code,
            retryable=outcome.retryable,
            ecsRequestId=outcome.ecs_request_id,
        )

    def has(self, region_id: str, instance_id: str) -> bool:
        with self._lock:
            return (region_id, instance_id) in self._outcomes or (region_id, instance_id) in self._quiet_keys

    def reject(self, reason: str, value: str) -> None:
        """Record input that never became an instance, such as an unusable payload."""
        with self._lock:
            self._rejected.append({"reason": reason, "value": value})
        log.warning("input_rejected", reason=reason, value=value)

    def defer_work(self, region_id: str, reason: str) -> None:
        """Record work that was never listed, such as the unread pages of a sweep."""
        with self._lock:
            self._deferred_work.append({"regionId": region_id, "reason": reason})
        log.warning("work_deferred", regionId=region_id, reason=reason)

    def add_api_calls(self, counts: dict[str, int]) -> None:
        with self._lock:
            for action, count in counts.items():
                self.api_calls[action] = self.api_calls.get(action, 0) + count

    @property
    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def outcomes(self) -> list[Outcome]:
        """Return the listed outcomes; quiet ones are only counted."""
        with self._lock:
            return list(self._outcomes.values())

    def transient_failures(self) -> list[Outcome]:
        """Return the outcomes that a redelivery could still fix: deferred, or carrying a retryable error.

        An `installed` outcome whose reboot failed with a retryable error counts, so
        that the redelivered event reboots the instance.
        """
        with self._lock:
            return [item for item in self._outcomes.values() if item.outcome == DEFERRED or item.retryable]

    @property
    def complete(self) -> bool:
        return not self.transient_failures() and not self._deferred_work

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            listed = [item.to_dict() for item in self._outcomes.values()]
            counts = dict(self._counts)
            rejected = list(self._rejected)
            deferred_work = list(self._deferred_work)
            api_calls = dict(self.api_calls)
        result: dict[str, Any] = {
            "requestId": self.request_id,
            "trigger": self.trigger,
            "complete": self.complete,
            "durationMs": int((time.monotonic() - self.started) * 1000),
            "counts": counts,
            "apiCalls": api_calls,
            "instances": listed,
            "rejected": rejected,
        }
        if deferred_work:
            result["deferredWork"] = deferred_work
        return redact_secret_values(result)

    def log_summary(self) -> None:
        """Log one summary line from the counts, without building the instance list."""
        with self._lock:
            counts = dict(self._counts)
            api_calls = dict(self.api_calls)
            rejected_count = len(self._rejected)
            deferred_work = list(self._deferred_work)
        log.info(
            "invocation_summary",
            complete=self.complete,
            durationMs=int((time.monotonic() - self.started) * 1000),
            counts=counts,
            apiCalls=api_calls,
            rejectedCount=rejected_count,
            deferredWork=deferred_work,
        )

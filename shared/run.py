"""State shared by the steps of one invocation, and how API errors become outcomes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from shared import report as outcomes
from shared.deadline import Deadline
from shared.ecs import CredentialError, DeadlineExceededError, EcsClient, EcsError, Instance
from shared.logs import get_logger
from shared.policy import Policy
from shared.report import Outcome, Report

log = get_logger("shared.run")
T = TypeVar("T")


@dataclass
class Run:
    """The client, policy, deadline and report of one invocation.

    `fatal` is set by an error that every later call would repeat (bad credentials),
    so the remaining instances fail at once instead of calling again.
    """

    client: EcsClient
    policy: Policy
    deadline: Deadline
    report: Report
    fatal: EcsError | None = field(default=None)

    def note_error(self, error: EcsError) -> None:
        if isinstance(error, CredentialError) and self.fatal is None:
            self.fatal = error
            log.error("credentials_rejected", code=error.code, action=error.action, regionId=error.region)

    def out_of_time(self, seconds_needed: float = 0.0) -> bool:
        return self.deadline.remaining() <= seconds_needed

    def defer(self, region: str, instance_ids: Iterable[str], step: str) -> None:
        for instance_id in instance_ids:
            self.report.add(Outcome(instance_id, region, outcomes.DEFERRED, f"deadline reached before {step}"))

    def fail(self, region: str, instance_ids: Iterable[str], error: EcsError, step: str) -> None:
        """Record the outcome of instances whose step failed with `error`."""
        self.note_error(error)
        for instance_id in instance_ids:
            self.report.add(error_outcome(instance_id, region, error, step))

    def stop_if_blocked(self, region: str, instance_ids: Sequence[str], step: str) -> bool:
        """Settle the instances and return True when the step must not start."""
        if self.fatal is not None:
            self.fail(region, instance_ids, self.fatal, step)
            return True
        if self.deadline.expired():
            self.defer(region, instance_ids, step)
            return True
        return False


def error_outcome(instance_id: str, region: str, error: EcsError, step: str) -> Outcome:
    """Turn an API error into the instance's outcome: `deferred` for the deadline, else `failed`."""
    if isinstance(error, DeadlineExceededError):
        return Outcome(instance_id, region, outcomes.DEFERRED, f"deadline reached during {step}")
    return Outcome(
        instance_id,
        region,
        outcomes.FAILED,
        f"{step} failed: {error.message}",
        error_code=error.code,
        retryable=error.retryable,
        ecs_request_id=error.request_id,
    )


def describe_by_id(run: Run, region: str, instance_ids: Sequence[str]) -> dict[str, Instance]:
    """Describe the instances (the client pages 100 at a time) and index them by ID."""
    pages = run.client.describe_instances(region, instance_ids=list(instance_ids))
    return {instance.instance_id: instance for page in pages for instance in page}


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])

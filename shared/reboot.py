"""Rebooting after an install, guarded by a claim on the marker tag.

ECS tags have no compare-and-set, so two invocations handling the same instance
(a duplicate event delivered to two warm instances) could both reboot it. Before
rebooting, an invocation writes its claim `rebooting:<invocation ID>@<time>`,
waits `claim_settle_seconds`, reads the tag back and reboots only the instances
whose tag still carries its own claim. A second invocation that writes later
overwrites the claim, so the first one backs off when it reads.

The window that remains: invocation B reboots as well only if B described the
instance before A's claim was written and B's own claim lands more than
`claim_settle_seconds` after A read its claim back. B's steps between its describe
and its claim are two or three API calls, normally well under the settle time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from shared import markers
from shared import report as outcomes
from shared.ecs import DeadlineExceededError, EcsError, Instance, OutcomeUnknownError
from shared.logs import get_logger
from shared.report import Outcome
from shared.run import Run, chunks, describe_by_id, error_outcome

log = get_logger("shared.reboot")

REBOOT_BATCH = 100
UNKNOWN_INSTALL_NOTE = "; the install call's outcome was unknown and was not repeated"


@dataclass(frozen=True)
class RebootItem:
    """An instance to reboot; `installed_now` when this invocation installed its agent."""

    instance: Instance
    installed_now: bool
    install_request_id: str | None

    @property
    def instance_id(self) -> str:
        return self.instance.instance_id

    @property
    def install_note(self) -> str:
        """Return UNKNOWN_INSTALL_NOTE when this invocation's install may not have happened, else ""."""
        return UNKNOWN_INSTALL_NOTE if self.installed_now and self.install_request_id is None else ""


def write_marker_or_error(run: Run, region: str, instance_ids: Sequence[str], value: str) -> EcsError | None:
    """Set the marker tag on the instances; return the error if the write failed, else None."""
    if not run.policy.marker_key or not instance_ids:
        return None
    try:
        run.client.tag_resources(region, list(instance_ids), {run.policy.marker_key: value})
    except EcsError as error:
        run.note_error(error)
        log.warning("marker_write_failed", regionId=region, instanceIds=list(instance_ids),
                    code=error.code, value=value)
        return error
    return None


def write_marker(run: Run, region: str, instance_ids: Sequence[str], value: str) -> str | None:
    """Set the marker tag on the instances; return a description of the failure, or None."""
    error = write_marker_or_error(run, region, instance_ids, value)
    return f"marker tag not written ({error.code})" if error is not None else None


def reboot_with_claim(run: Run, region: str, items: Sequence[RebootItem]) -> None:
    """Claim, reboot and mark the instances, recording one outcome for each."""
    for batch in chunks(list(items), REBOOT_BATCH):
        _reboot_batch(run, region, batch)


def _not_rebooted(run: Run, region: str, item: RebootItem, reason: str,
                  error: EcsError | None = None, reboot_only_outcome: str = outcomes.FAILED) -> None:
    """Record an instance whose reboot did not happen in this invocation."""
    code = error.code if error else None
    retryable = error.retryable if error else None
    request_id = error.request_id if error else None
    if item.installed_now:
        run.report.add(Outcome(item.instance_id, region, outcomes.INSTALLED,
                               f"installed; {reason}{item.install_note}",
                               error_code=code, retryable=retryable,
                               ecs_request_id=item.install_request_id or request_id))
    elif error is not None and reboot_only_outcome == outcomes.FAILED:
        run.report.add(error_outcome(item.instance_id, region, error, "RebootInstances"))
    else:
        run.report.add(Outcome(item.instance_id, region, reboot_only_outcome, reason,
                               error_code=code, retryable=retryable, ecs_request_id=request_id))


def _restore_installed_marker(run: Run, region: str, items: Sequence[RebootItem]) -> None:
    """Put back `installed:` on instances we claimed but did not reboot, so a later run reboots them."""
    write_marker(run, region, [item.instance_id for item in items], markers.installed_value(markers.now_utc()))


def _reboot_batch(run: Run, region: str, batch: list[RebootItem]) -> None:
    policy = run.policy

    if run.fatal is not None or run.out_of_time(policy.claim_settle_seconds + 1.0):
        installed_now = [item for item in batch if item.installed_now]
        _restore_installed_marker(run, region, installed_now)
        # Retryable, so that an event is redelivered and the reboot happens then.
        deferred = DeadlineExceededError("deadline near before the reboot", code="DeadlineExceeded",
                                         action="RebootInstances", region=region)
        for item in batch:
            _not_rebooted(run, region, item, "reboot deferred to a later run: deadline near", deferred,
                          reboot_only_outcome=outcomes.DEFERRED)
        return

    owned = _claim(run, region, batch) if policy.marker_key else batch
    if not owned:
        return

    rebooted, failed = _reboot(run, region, owned)

    if failed:
        _restore_installed_marker(run, region, [item for item, _ in failed])
        for item, error in failed:
            _not_rebooted(run, region, item, f"reboot failed: {error.message}", error)

    if not rebooted:
        return
    marker_problem = write_marker(run, region, [item.instance_id for item, _ in rebooted],
                                  markers.rebooted_value(markers.now_utc()))
    online: set[str] = set()
    if policy.verify_online:
        online = _verify_online(run, region, [item.instance_id for item, _ in rebooted])

    for item, request_id in rebooted:
        if item.instance_id in online:
            outcome, reason = outcomes.ONLINE, "rebooted; agent confirmed online"
        else:
            outcome = outcomes.REBOOTED
            reason = "installed and rebooted" if item.installed_now else "rebooted after an earlier install"
            reason += item.install_note
        if marker_problem:
            reason += f"; {marker_problem}"
        run.report.add(Outcome(item.instance_id, region, outcome, reason, ecs_request_id=request_id))


def _claim(run: Run, region: str, batch: list[RebootItem]) -> list[RebootItem]:
    """Write this invocation's claim, read it back and return the items still claimed by it."""
    ids = [item.instance_id for item in batch]
    claim = markers.claim_value(run.policy.invocation_id, markers.now_utc())

    # When the claim cannot be written or read back, the instance still gets an
    # `installed:` marker and a retryable error, so a redelivered event reboots it
    # instead of waiting for a claim that no invocation holds.
    error = write_marker_or_error(run, region, ids, claim)
    if error is not None:
        _restore_installed_marker(run, region, [item for item in batch if item.installed_now])
        for item in batch:
            _not_rebooted(run, region, item, f"reboot skipped: the claim was not written ({error.code})", error)
        return []

    time.sleep(min(run.policy.claim_settle_seconds, run.deadline.remaining()))

    try:
        current = describe_by_id(run, region, ids)
    except EcsError as error:
        run.note_error(error)
        _restore_installed_marker(run, region, batch)
        for item in batch:
            _not_rebooted(run, region, item, f"reboot skipped: the claim could not be read back ({error.code})",
                          error)
        return []

    owned: list[RebootItem] = []
    for item in batch:
        instance = current.get(item.instance_id)
        if instance is None:
            _not_rebooted(run, region, item, "instance was released before the reboot",
                          reboot_only_outcome=outcomes.NOT_FOUND)
        elif instance.tags.get(run.policy.marker_key) != claim:
            found = instance.tags.get(run.policy.marker_key, "")
            log.info("reboot_claim_lost", instanceId=item.instance_id, regionId=region, marker=found)
            _not_rebooted(run, region, item, f"reboot left to another invocation, which claimed it ({found})",
                          reboot_only_outcome=outcomes.AWAITING_HEARTBEAT)
        elif instance.status != "Running":
            _restore_installed_marker(run, region, [item])
            _not_rebooted(run, region, item, f"status became {instance.status} before the reboot",
                          reboot_only_outcome=outcomes.SKIPPED_NOT_RUNNING)
        else:
            owned.append(item)
    return owned


Rebooted = list[tuple[RebootItem, "str | None"]]
Failed = list[tuple[RebootItem, EcsError]]


def _reboot(run: Run, region: str, items: list[RebootItem]) -> tuple[Rebooted, Failed]:
    """Reboot once, never repeated; return the rebooted items and the failed ones with their errors."""
    ids = [item.instance_id for item in items]
    try:
        request_id, results = run.client.reboot_instances(region, ids)
    except OutcomeUnknownError as error:
        return _recover_unknown_reboot(run, region, items, error)
    except EcsError as error:
        run.note_error(error)
        return [], [(item, error) for item in items]

    by_id = {result.instance_id: result for result in results}
    rebooted: Rebooted = []
    failed: Failed = []
    for item in items:
        result = by_id.get(item.instance_id)
        if result is not None and result.ok:
            rebooted.append((item, request_id))
            continue
        code = result.code if result is not None else "MissingInstanceResponse"
        message = result.message if result is not None else "RebootInstances returned no result for the instance"
        failed.append((item, EcsError(code=code, message=message, request_id=request_id, http_status=200,
                                      action="RebootInstances", region=region, retryable=False)))
    return rebooted, failed


def _recover_unknown_reboot(run: Run, region: str, items: list[RebootItem],
                            error: OutcomeUnknownError) -> tuple[Rebooted, Failed]:
    """Re-read the instances after a reboot whose outcome is unknown; a reboot is never repeated.

    An instance that left Running was rebooted. One still Running is taken as not
    rebooted, and its claim stays, so no invocation reboots it within the grace period.
    """
    ids = [item.instance_id for item in items]
    log.warning("reboot_outcome_unknown", regionId=region, instanceIds=ids, code=error.code)
    try:
        current = describe_by_id(run, region, ids)
    except EcsError:
        current = {}

    rebooted: Rebooted = []
    for item in items:
        instance = current.get(item.instance_id)
        if instance is not None and instance.status in ("Starting", "Stopping", "Stopped"):
            rebooted.append((item, None))
        else:
            _not_rebooted(run, region, item, "reboot outcome unknown and not repeated; the claim stays "
                          "so the next run after the grace period handles it", error)
    return rebooted, []


def _verify_online(run: Run, region: str, instance_ids: list[str]) -> set[str]:
    """Poll the agent status until every instance is online or the deadline nears."""
    online: set[str] = set()
    pending = list(instance_ids)
    interval = run.policy.verify_interval_seconds

    while pending and not run.out_of_time(interval + 1.0):
        time.sleep(interval)
        try:
            statuses = run.client.describe_cloud_assistant_status(region, pending)
        except EcsError as error:
            log.warning("verify_online_failed", regionId=region, code=error.code)
            break
        for instance_id in pending:
            status = statuses.get(instance_id)
            if status is not None and status.online:
                online.add(instance_id)
        pending = [instance_id for instance_id in pending if instance_id not in online]

    return online

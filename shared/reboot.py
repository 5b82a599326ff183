"""Installing and rebooting under a claim on the marker tag.

ECS tags have no compare-and-set, so two invocations handling the same instance
(a duplicate event delivered to two warm instances) could both install and reboot
it. Before rebooting, and before installing when the policy reboots right after
the install, an invocation writes its claim `rebooting:<invocation ID>@<time>`,
waits `claim_settle_seconds`, reads the tag back and goes on only with the
instances whose tag still carries its own claim. A second invocation that writes
later overwrites the claim, so the first one backs off when it reads.

The window that remains: invocation B reboots as well only if B described the
instance before A's claim was written and B's own claim lands more than
`claim_settle_seconds` after A read its claim back. B's steps between its describe
and its claim are two or three API calls, normally well under the settle time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from shared import markers
from shared import report as outcomes
from shared.ecs import DeadlineExceededError, EcsError, OutcomeUnknownError
from shared.logs import get_logger
from shared.report import Outcome
from shared.run import Run, chunks, describe_by_id, error_outcome
from shared.work import InstallBatch, RebootItem

log = get_logger("shared.reboot")

REBOOT_BATCH = 100
RESTORE_ROUNDS = 3


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


def reboot_with_claim(run: Run, region: str, items: Sequence[RebootItem],
                      install_batch: InstallBatch | None = None) -> None:
    """Claim, install where still needed, reboot and mark the instances, recording one outcome for each.

    `install_batch` installs the items whose `install` is set; it is required when any is.
    """
    for batch in chunks(list(items), REBOOT_BATCH):
        _reboot_batch(run, region, batch, install_batch)


def _not_rebooted(run: Run, region: str, item: RebootItem, reason: str,
                  error: EcsError | None = None, reboot_only_outcome: str = outcomes.FAILED) -> None:
    """Record an instance whose reboot did not happen in this invocation."""
    if item.install is not None:
        reason = f"not installed: {reason}"
    code = error.code if error else None
    retryable = error.retryable if error else None
    request_id = error.request_id if error else None
    if item.installed_now:
        run.report.add(Outcome(item.instance_id, region, outcomes.INSTALLED,
                               f"installed; {reason}{item.install_note}",
                               error_code=code, retryable=retryable,
                               ecs_request_id=item.install_request_id or request_id))
    elif error is not None and reboot_only_outcome == outcomes.FAILED and error.action == "RebootInstances":
        run.report.add(error_outcome(item.instance_id, region, error, "RebootInstances"))
    elif error is not None and reboot_only_outcome == outcomes.FAILED:
        run.report.add(Outcome(item.instance_id, region, outcomes.FAILED, f"{reason}: {error.message}",
                               error_code=code, retryable=retryable, ecs_request_id=request_id))
    else:
        run.report.add(Outcome(item.instance_id, region, reboot_only_outcome, reason,
                               error_code=code, retryable=retryable, ecs_request_id=request_id))


def _restore_installed_marker(run: Run, region: str, items: Sequence[RebootItem]) -> None:
    """Put back a marker on instances we claimed but did not reboot, so a later run finishes the work.

    Instances whose install was still to come get `released:`, so the next run
    installs; the others get `installed:`, so the next run only reboots.
    """
    now = markers.now_utc()
    _write_patiently(run, region, [item.instance_id for item in items if item.install is None],
                     markers.installed_value(now))
    _write_patiently(run, region, [item.instance_id for item in items if item.install is not None],
                     markers.released_value(now))


def _write_patiently(run: Run, region: str, instance_ids: list[str], value: str) -> None:
    """Write a marker that replaces our claim, trying again after retryable failures.

    A claim left on an instance blocks other invocations until it expires, so this
    write gets up to RESTORE_ROUNDS rounds of the client's own retries.
    """
    for _ in range(RESTORE_ROUNDS):
        error = write_marker_or_error(run, region, instance_ids, value)
        if error is None or not error.retryable or run.fatal is not None:
            return


def _reboot_batch(run: Run, region: str, batch: list[RebootItem], install_batch: InstallBatch | None) -> None:
    policy = run.policy

    if run.fatal is not None or run.out_of_time(policy.claim_settle_seconds + 1.0):
        _stop_before_claim(run, region, batch)
        return

    owned = _claim(run, region, batch) if policy.marker_key else batch
    owned = _install_claimed(run, region, owned, install_batch)
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


def _stop_before_claim(run: Run, region: str, batch: list[RebootItem]) -> None:
    """Settle a batch that cannot start: bad credentials, or too little time for claim and reboot.

    Deferred work carries a retryable error, so that an event is redelivered and the
    work is done then.
    """
    _restore_installed_marker(run, region, [item for item in batch if item.installed_now])
    for item in batch:
        if run.fatal is not None:
            _not_rebooted(run, region, item, f"reboot not started: {run.fatal.code}", run.fatal)
            continue
        deferred = DeadlineExceededError("deadline near", code="DeadlineExceeded", action="RebootInstances",
                                         region=region)
        if item.install is not None:
            run.report.add(Outcome(item.instance_id, region, outcomes.DEFERRED,
                                   "deadline reached before the install and reboot",
                                   error_code=deferred.code, retryable=True))
        elif item.installed_now:
            _not_rebooted(run, region, item, "reboot deferred to a later run: deadline near", deferred)
        else:
            run.report.add(Outcome(item.instance_id, region, outcomes.DEFERRED, "deadline reached before the reboot",
                                   error_code=deferred.code, retryable=True))


def _claim(run: Run, region: str, batch: list[RebootItem]) -> list[RebootItem]:
    """Write this invocation's claim, read it back and return the items still claimed by it."""
    ids = [item.instance_id for item in batch]
    claim = markers.claim_value(run.policy.invocation_id, markers.now_utc())

    # When the claim cannot be written or read back, the instance still gets an
    # `installed:` marker and a retryable error, so a redelivered event reboots it
    # instead of waiting for a claim that no invocation holds.
    error = write_marker_or_error(run, region, ids, claim)
    if error is not None:
        # The write may have reached some instances, so every marker is put back.
        _restore_installed_marker(run, region, batch)
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
            if item.install is not None:
                # Nothing is installed yet and the other claimer may fail, so a retry checks again.
                run.report.add(Outcome(item.instance_id, region, outcomes.AWAITING_HEARTBEAT,
                                       f"install and reboot left to another invocation, which claimed them ({found})",
                                       retryable=True))
            else:
                _not_rebooted(run, region, item, f"reboot left to another invocation, which claimed it ({found})",
                              reboot_only_outcome=outcomes.AWAITING_HEARTBEAT)
        elif instance.status != "Running":
            _restore_installed_marker(run, region, [item])
            _not_rebooted(run, region, item, f"status became {instance.status} before the reboot",
                          reboot_only_outcome=outcomes.SKIPPED_NOT_RUNNING)
        else:
            owned.append(item)
    return owned


def _install_claimed(run: Run, region: str, owned: list[RebootItem],
                     install_batch: InstallBatch | None) -> list[RebootItem]:
    """Install the claimed instances whose install is still to come; return the items ready to reboot.

    Instances whose install fails get their outcome from `install_batch`. Their
    claim is replaced by `released:`, unless the install may have happened.
    """
    ready = [item for item in owned if item.install is None]
    pending = [item for item in owned if item.install is not None]
    if not pending:
        return ready
    if install_batch is None:
        raise ValueError("install_batch is required for reboot items whose install is still to come")

    installed: dict[str, str | None] = {}
    unsure: set[str] = set()
    for chunk in chunks(pending, run.policy.install_batch_size):
        for install_item, request_id in install_batch(run, region, [item.install for item in chunk], unsure):
            installed[install_item.instance.instance_id] = request_id

    not_installed = [item for item in pending if item.instance_id not in installed and item.instance_id not in unsure]
    released = markers.released_value(markers.now_utc())
    _write_patiently(run, region, [item.instance_id for item in not_installed], released)

    for item in pending:
        if item.instance_id in installed:
            ready.append(RebootItem(item.instance, installed_now=True,
                                    install_request_id=installed[item.instance_id]))
    return ready


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

"""The install use case: make sure the Cloud Assistant agent is on the given instances.

`ensure_agent` takes a region and raw instance IDs from an event or an HTTP
request. `process_instances` takes instances already described, so the sweep
reuses it page by page. Every instance ends with exactly one outcome in the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared import markers
from shared import report as outcomes
from shared.config import Config
from shared.ecs import ClientError, EcsError, Instance, OutcomeUnknownError
from shared.logs import get_logger
from shared.policy import AWAIT_HEARTBEAT, AWAIT_REBOOT, INSTALL, REBOOT_ONLY, Policy, decide
from shared.reboot import reboot_with_claim, write_marker
from shared.report import Outcome
from shared.run import Run, chunks, describe_by_id
from shared.validation import MAX_INSTANCES_PER_REQUEST, excerpt, region_error, split_instance_ids
from shared.work import UNKNOWN_INSTALL_NOTE, InstallItem, Plan, RebootItem

log = get_logger("shared.installer")

DESCRIBE_BATCH = 100
STATUS_BATCH = 50
# Errors with which ECS rejects a whole batch because of one instance in it.
# Statuses that become Running by themselves, so a later attempt may find the instance Running.
STARTING_STATUSES = frozenset({"Pending", "Starting"})
SPLITTABLE_CODES = frozenset({"InvalidInstance.NotFound", "InvalidInstanceId.NotFound", "IncorrectInstanceStatus"})


def ensure_agent(run: Run, region: str, instance_ids: Sequence[object], config: Config | None = None) -> None:
    """Validate, describe and process the instances of one region, adding every outcome to the report."""
    report = run.report
    if len(instance_ids) > MAX_INSTANCES_PER_REQUEST:
        report.reject(
            f"request names {len(instance_ids)} instances in {excerpt(region)}; at most "
            f"{MAX_INSTANCES_PER_REQUEST} are accepted at once, so nothing was done",
            f"{len(instance_ids)} instance IDs",
        )
        return

    problem = region_error(region)
    if problem is None and config is not None and not config.region_allowed(region):
        problem = f"region {region} is not in ALLOWED_REGIONS"
    if problem is not None:
        for value in instance_ids:
            outcome = outcomes.INVALID_ID if region_error(region) else outcomes.SKIPPED_OUT_OF_SCOPE
            report.add(Outcome(excerpt(value), excerpt(region), outcome, problem))
        return

    valid, invalid = split_instance_ids(list(instance_ids))
    for item in invalid:
        report.add(Outcome(item.value, region, outcomes.INVALID_ID, item.reason))

    found: list[Instance] = []
    for batch in chunks(valid, DESCRIBE_BATCH):
        if run.stop_if_blocked(region, batch, "DescribeInstances"):
            continue
        try:
            described = describe_by_id(run, region, batch)
        except EcsError as error:
            run.fail(region, batch, error, "DescribeInstances")
            continue
        for instance_id in batch:
            if instance_id in described:
                found.append(described[instance_id])
            else:
                report.add(Outcome(instance_id, region, outcomes.NOT_FOUND, f"no instance {instance_id} in {region}"))

    process_instances(run, region, found)


def process_instances(run: Run, region: str, instances: Sequence[Instance]) -> None:
    """Filter described instances, check their agent, install it and reboot as the policy requires."""
    execute_plan(run, region, plan_instances(run, region, instances))


def execute_plan(run: Run, region: str, plan: Plan) -> None:
    """Install and reboot as planned, recording an outcome for every instance of the plan.

    With markers on, an instance the policy reboots right after the install is
    claimed first and installed under the claim, so a duplicate invocation neither
    installs nor reboots it again. Other instances are installed in batches and marked.
    """
    claim_first: list[InstallItem] = []
    install_now: list[InstallItem] = []
    for item in plan.to_install:
        if item.reboot_wanted and run.policy.marker_key:
            claim_first.append(item)
        else:
            install_now.append(item)

    installed = _install(run, region, install_now)
    pending = [RebootItem(item.instance, installed_now=False, install_request_id=None, install=item)
               for item in claim_first]
    reboot_with_claim(run, region, plan.to_reboot + installed + pending, install_batch=_install_batch)


def plan_instances(run: Run, region: str, instances: Sequence[Instance]) -> Plan:
    """Filter described instances and check their agent; return those that need work.

    Instances that need nothing, or only waiting, get their outcome here.
    """
    policy = run.policy
    report = run.report
    now = markers.now_utc()

    candidates: list[Instance] = []
    for instance in instances:
        if instance.status != "Running":
            report.add(_not_running_outcome(policy, region, instance, now))
        elif not policy.in_scope(instance.tags):
            report.add(Outcome(instance.instance_id, region, outcomes.SKIPPED_OUT_OF_SCOPE,
                               "tags outside the TAG_INCLUDE/TAG_EXCLUDE scope"))
        else:
            candidates.append(instance)

    to_install: list[InstallItem] = []
    to_reboot: list[RebootItem] = []
    for batch in chunks(candidates, STATUS_BATCH):
        ids = [item.instance_id for item in batch]
        if run.stop_if_blocked(region, ids, "DescribeCloudAssistantStatus"):
            continue
        try:
            statuses = run.client.describe_cloud_assistant_status(region, ids)
        except EcsError as error:
            run.fail(region, ids, error, "DescribeCloudAssistantStatus")
            continue

        for instance in batch:
            status = statuses.get(instance.instance_id)
            if status is not None and status.online:
                report.add(Outcome(instance.instance_id, region, outcomes.ALREADY_ONLINE, "agent online"))
                continue
            _plan(run, region, instance, now, to_install, to_reboot)

    return Plan(to_install, to_reboot)


def _not_running_outcome(policy: Policy, region: str, instance: Instance, now: datetime) -> Outcome:
    """Return the outcome of an instance that is not Running.

    An instance that is still starting may be Running on a retry, so its outcome is
    retryable and a Running event for it is redelivered. One starting because of our
    own recent reboot is awaiting its agent's heartbeat instead.
    """
    if instance.status not in STARTING_STATUSES:
        return Outcome(instance.instance_id, region, outcomes.SKIPPED_NOT_RUNNING,
                       f"status is {instance.status}; only Running instances are handled", retryable=False)

    marker = markers.parse_marker(instance.tags.get(policy.marker_key)) if policy.marker_key else None
    ours = marker is not None and marker.state in (markers.REBOOTING, markers.REBOOTED)
    if ours and now - marker.time < policy.marker_grace:
        return Outcome(instance.instance_id, region, outcomes.AWAITING_HEARTBEAT,
                       f"starting after the reboot of {markers.format_time(marker.time)}")
    return Outcome(instance.instance_id, region, outcomes.SKIPPED_NOT_RUNNING,
                   f"status is {instance.status}; a retry may find it Running", retryable=True)


def _plan(run: Run, region: str, instance: Instance, now: datetime,
          to_install: list[InstallItem], to_reboot: list[RebootItem]) -> None:
    policy = run.policy
    marker = markers.parse_marker(instance.tags.get(policy.marker_key)) if policy.marker_key else None
    decision = decide(policy, marker, instance.creation_time, instance.start_time, now)
    reboot_wanted = policy.wants_reboot(instance.creation_time, now)

    if decision.reinstall:
        log.warning("agent_reinstall", instanceId=instance.instance_id, regionId=region, reason=decision.reason)

    if decision.action == AWAIT_REBOOT:
        run.report.add(Outcome(instance.instance_id, region, outcomes.AWAITING_REBOOT, decision.reason))
    elif decision.action == AWAIT_HEARTBEAT:
        run.report.add(Outcome(instance.instance_id, region, outcomes.AWAITING_HEARTBEAT, decision.reason,
                               retryable=decision.retryable or None))
    elif policy.dry_run:
        if decision.action == REBOOT_ONLY:
            action = "reboot"
        elif reboot_wanted:
            action = "install and reboot"
        else:
            action = "install"
        run.report.add(Outcome(instance.instance_id, region, outcomes.DRY_RUN, f"would {action}: {decision.reason}"))
    elif decision.action == REBOOT_ONLY:
        to_reboot.append(RebootItem(instance, installed_now=False, install_request_id=None))
    elif decision.action == INSTALL:
        to_install.append(InstallItem(instance, decision.reason, reboot_wanted))


def _install(run: Run, region: str, items: list[InstallItem]) -> list[RebootItem]:
    """Install in batches; settle the instances that stay unrebooted and return those to reboot."""
    to_reboot: list[RebootItem] = []
    for batch in chunks(items, run.policy.install_batch_size):
        installed = _install_batch(run, region, batch)

        left_for_owner = [(item, request_id) for item, request_id in installed if not item.reboot_wanted]
        if left_for_owner:
            _settle_installed(run, region, left_for_owner)

        for item, request_id in installed:
            if item.reboot_wanted:
                to_reboot.append(RebootItem(item.instance, installed_now=True, install_request_id=request_id))
    return to_reboot


def _install_batch(run: Run, region: str, batch: list[InstallItem],
                   unsure: set[str] | None = None) -> list[tuple[InstallItem, str | None]]:
    """Install on one batch, splitting it when one instance spoils the whole call.

    Returns the installed items with the RequestId of their call; every other item
    gets its outcome here. IDs that may be installed but could not be read back are
    added to `unsure`.
    """
    ids = [item.instance.instance_id for item in batch]
    if run.stop_if_blocked(region, ids, "InstallCloudAssistant"):
        return []

    try:
        request_id = run.client.install_cloud_assistant(region, ids)
        return [(item, request_id) for item in batch]
    except OutcomeUnknownError as error:
        return _recover_unknown_install(run, region, batch, error, unsure)
    except ClientError as error:
        if error.code not in SPLITTABLE_CODES:
            run.fail(region, ids, error, "InstallCloudAssistant")
            return []
        if len(batch) == 1:
            _settle_single_rejection(run, region, batch[0], error)
            return []
        log.info("install_batch_split", regionId=region, size=len(batch), code=error.code)
        middle = len(batch) // 2
        return _install_batch(run, region, batch[:middle], unsure) + _install_batch(run, region, batch[middle:], unsure)
    except EcsError as error:
        run.fail(region, ids, error, "InstallCloudAssistant")
        return []


def _settle_single_rejection(run: Run, region: str, item: InstallItem, error: ClientError) -> None:
    instance_id = item.instance.instance_id
    if error.code == "IncorrectInstanceStatus":
        run.report.add(Outcome(instance_id, region, outcomes.SKIPPED_NOT_RUNNING,
                               "instance left the Running state before the install",
                               error_code=error.code, retryable=False, ecs_request_id=error.request_id))
    else:
        run.report.add(Outcome(instance_id, region, outcomes.NOT_FOUND,
                               "instance was released before the install",
                               error_code=error.code, retryable=False, ecs_request_id=error.request_id))


def _recover_unknown_install(run: Run, region: str, batch: list[InstallItem], error: OutcomeUnknownError,
                             unsure: set[str] | None) -> list[tuple[InstallItem, str | None]]:
    """Re-read the instances after an install whose outcome is unknown, without repeating it.

    The agent status cannot show an install before the reboot, so an instance that
    is still Running is taken as installed and its marker is written. If the install
    did not happen after all, the agent stays offline and, once the marker's grace
    period has passed, a later run installs again.
    """
    ids = [item.instance.instance_id for item in batch]
    log.warning("install_outcome_unknown", regionId=region, instanceIds=ids, code=error.code)
    try:
        current = describe_by_id(run, region, ids)
    except EcsError as read_error:
        # The install may have happened, so the marker stops a redelivery from installing again.
        write_marker(run, region, ids, markers.installed_value(markers.now_utc()))
        if unsure is not None:
            unsure.update(ids)
        run.fail(region, ids, read_error, "DescribeInstances after an install with unknown outcome")
        return []

    kept: list[tuple[InstallItem, str | None]] = []
    for item in batch:
        instance = current.get(item.instance.instance_id)
        if instance is None:
            run.report.add(Outcome(item.instance.instance_id, region, outcomes.NOT_FOUND,
                                   "instance was released during the install"))
        elif instance.status != "Running":
            run.report.add(Outcome(item.instance.instance_id, region, outcomes.SKIPPED_NOT_RUNNING,
                                   f"status became {instance.status} during the install"))
        else:
            kept.append((item, None))
    return kept


def _settle_installed(run: Run, region: str, installed: list[tuple[InstallItem, str | None]]) -> None:
    """Write the `installed` marker and record the outcome of instances left for the owner to reboot."""
    ids = [item.instance.instance_id for item, _ in installed]
    marker_problem = write_marker(run, region, ids, markers.installed_value(markers.now_utc()))
    for item, request_id in installed:
        reason = f"installed; the reboot is left to the owner (REBOOT_POLICY={run.policy.reboot})"
        if request_id is None:
            reason += UNKNOWN_INSTALL_NOTE
        if marker_problem:
            reason += f"; {marker_problem}"
        run.report.add(Outcome(item.instance.instance_id, region, outcomes.INSTALLED, reason,
                               ecs_request_id=request_id))

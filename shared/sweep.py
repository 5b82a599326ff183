"""The sweep use case: find Running instances without the agent in whole regions and install it.

The main thread pages through `DescribeInstances` (Running only, 100 a page),
round-robin across regions, and hands each page to a worker. The worker checks
the agent status and adds the instances that need an install to its region's
pending work. That work is installed in full batches of INSTALL_BATCH_SIZE across
pages, so a sweep makes as few install and marker calls as the fleet allows.
At most twice `max_concurrency` pages are held at once, plus less than one batch
per region, so memory does not grow with the fleet. Once the deadline is reached
no new page is read, and the regions not finished are reported as deferred work
for the next sweep.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from shared import report as outcomes
from shared.config import Config
from shared.ecs import EcsError, Instance
from shared.installer import execute_plan, plan_instances
from shared.logs import get_logger
from shared.reboot import REBOOT_BATCH
from shared.report import Outcome
from shared.run import Run
from shared.validation import excerpt, region_error
from shared.work import Plan

log = get_logger("shared.sweep")

PAGE_SIZE = 100
# Outcomes that need nothing; a sweep counts them but lists and logs them only at debug level.
SWEEP_QUIET_OUTCOMES = frozenset({outcomes.ALREADY_ONLINE, outcomes.SKIPPED_OUT_OF_SCOPE})


def resolve_regions(run: Run, config: Config, own_region: str, requested: Sequence[object] | None) -> list[str]:
    """Return the regions to sweep: those requested (within ALLOWED_REGIONS), else the configured ones.

    Requested regions that are invalid or not allowed are rejected in the report.
    """
    if requested is not None:
        regions: list[str] = []
        for value in requested:
            problem = region_error(value)
            if problem is None and not config.region_allowed(str(value)):
                problem = f"region {value} is not in ALLOWED_REGIONS"
            if problem is not None:
                run.report.reject(problem, excerpt(value))
            elif value not in regions:
                regions.append(str(value))
        return regions

    if config.sweep_all_regions:
        try:
            described = run.client.describe_regions()
        except EcsError as error:
            run.note_error(error)
            run.report.defer_work("*", f"DescribeRegions failed ({error.code}); no region was swept")
            return []
        return [item.region_id for item in described if config.region_allowed(item.region_id)]

    if config.sweep_regions:
        return list(config.sweep_regions)
    return [own_region]


class PendingWork:
    """Installs and reboots of one region waiting for a full batch. Thread-safe."""

    def __init__(self, install_batch_size: int) -> None:
        self.install_batch_size = install_batch_size
        self._plan = Plan()
        self._lock = threading.Lock()

    def add(self, plan: Plan) -> list[Plan]:
        """Add a page's work; return the full batches that are ready to run."""
        with self._lock:
            self._plan.to_install.extend(plan.to_install)
            self._plan.to_reboot.extend(plan.to_reboot)
            ready: list[Plan] = []
            while len(self._plan.to_install) >= self.install_batch_size:
                ready.append(Plan(to_install=self._plan.to_install[:self.install_batch_size]))
                del self._plan.to_install[:self.install_batch_size]
            while len(self._plan.to_reboot) >= REBOOT_BATCH:
                ready.append(Plan(to_reboot=self._plan.to_reboot[:REBOOT_BATCH]))
                del self._plan.to_reboot[:REBOOT_BATCH]
            return ready

    def drain(self) -> Plan:
        """Return and forget what is left, less than a batch of each kind."""
        with self._lock:
            rest, self._plan = self._plan, Plan()
            return rest


def sweep(run: Run, regions: Sequence[str], max_concurrency: int) -> None:
    """Sweep the regions with at most `max_concurrency` pages processed at once."""
    pagers: dict[str, Iterator[list[Instance]]] = {
        region: iter(run.client.describe_instances(region, status="Running", page_size=PAGE_SIZE))
        for region in regions
    }
    pending = {region: PendingWork(run.policy.install_batch_size) for region in regions}
    active = list(regions)
    in_flight: set[Future] = set()

    with ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="sweep") as pool:

        def submit(function, *arguments) -> None:
            nonlocal in_flight
            # Worker threads do not inherit context variables, so each task runs in a copy.
            context = contextvars.copy_context()
            in_flight.add(pool.submit(context.run, function, *arguments))
            while len(in_flight) >= 2 * max_concurrency:
                _done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)

        while active:
            for region in list(active):
                page = _next_page(run, region, pagers[region])
                if page is None:
                    active.remove(region)
                    continue
                submit(_process_page, run, region, page, pending[region])
        wait(in_flight)

        for region in regions:
            rest = pending[region].drain()
            if rest.to_install or rest.to_reboot:
                submit(_execute_safely, run, region, rest)
        wait(in_flight)


def _next_page(run: Run, region: str, pager: Iterator[list[Instance]]) -> list[Instance] | None:
    """Return the next page of the region, or None when the region is finished or must stop."""
    if run.fatal is not None:
        run.report.defer_work(region, f"sweep stopped: {run.fatal.code}")
        return None
    if run.deadline.expired():
        run.report.defer_work(region, "deadline reached before every page was read; the next sweep continues")
        return None
    try:
        return next(pager)
    except StopIteration:
        return None
    except EcsError as error:
        run.note_error(error)
        run.report.defer_work(region, f"DescribeInstances failed ({error.code}); the next sweep retries")
        return None


def _process_page(run: Run, region: str, page: list[Instance], pending: PendingWork) -> None:
    """Plan one page and run the batches it completes."""
    try:
        plan = plan_instances(run, region, page)
    except Exception as error:  # noqa: BLE001 - a worker must never lose the page's instances
        _fail_unsettled(run, region, [instance.instance_id for instance in page], error)
        return

    for batch in pending.add(plan):
        _execute_safely(run, region, batch)


def _execute_safely(run: Run, region: str, plan: Plan) -> None:
    try:
        execute_plan(run, region, plan)
    except Exception as error:  # noqa: BLE001 - a worker must never lose the batch's instances
        _fail_unsettled(run, region, plan.instance_ids(), error)


def _fail_unsettled(run: Run, region: str, instance_ids: list[str], error: Exception) -> None:
    """Give every instance still without an outcome a `failed` one after an unexpected error."""
    log.exception("sweep_task_failed", regionId=region, size=len(instance_ids))
    for instance_id in instance_ids:
        if not run.report.has(region, instance_id):
            run.report.add(Outcome(instance_id, region, outcomes.FAILED, f"internal error: {type(error).__name__}",
                                   error_code="InternalError", retryable=True))

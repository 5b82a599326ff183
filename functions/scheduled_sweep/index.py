"""FC handler for the timer trigger: sweep the configured regions for instances without the agent.

The timer event is `{"triggerTime", "triggerName", "payload"}`. A JSON payload such
as `{"regions": ["cn-hangzhou"], "dryRun": true}` narrows the sweep within what
the configuration allows; any other payload is ignored. Returns the report as a
JSON string. Work left by the deadline is reported and picked up by the next sweep.
"""

from __future__ import annotations

import json

from shared.config import load_config
from shared.invocation import begin, finish
from shared.logs import configure_logging, get_logger
from shared.payloads import parse_timer_event
from shared.sweep import SWEEP_QUIET_OUTCOMES, resolve_regions, sweep

FUNCTION = "scheduled_sweep"
TRIGGER = "timer"

CONFIG = load_config()
configure_logging(CONFIG.log_level)
log = get_logger(FUNCTION)

_cold_start = True


def handler(event, context):
    global _cold_start
    timer, rejections = parse_timer_event(event if isinstance(event, bytes) else str(event).encode())
    run = begin(context, CONFIG, function=FUNCTION, trigger=TRIGGER, cold_start=_cold_start,
                dry_run=timer.dry_run, quiet_outcomes=SWEEP_QUIET_OUTCOMES)
    _cold_start = False
    for rejection in rejections:
        run.report.reject(rejection.reason, rejection.value)

    own_region = str(getattr(context, "region", "") or "")
    regions = resolve_regions(run, CONFIG, own_region, timer.regions)
    log.info("sweep_start", regions=regions, triggerTime=timer.trigger_time, dryRun=run.policy.dry_run)
    sweep(run, regions, CONFIG.max_concurrency)

    return json.dumps(finish(run))

"""FC handler for EventBridge and CloudMonitor instance events.

Each event names instances that just reached Running or came from an Auto Scaling
scale-out; the handler installs the agent on them. It returns the report as a JSON
string. When transient failures remain (throttling past the retries, or the
deadline), it logs the report and raises TransientFailureError, so that Function
Compute redelivers the event.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from shared.config import load_config
from shared.installer import ensure_agent
from shared.invocation import TransientFailureError, begin, finish
from shared.logs import configure_logging, get_logger
from shared.payloads import InstanceEvent, parse_instance_events
from shared.validation import MAX_INSTANCES_PER_REQUEST

FUNCTION = "instance_events"
TRIGGER = "instance_events"
# Event keys (source, id) remembered by this warm instance to drop duplicate deliveries cheaply.
SEEN_EVENTS_MAX = 4096
MAX_LISTED_IN_ERROR = 20

CONFIG = load_config()
configure_logging(CONFIG.log_level)
log = get_logger(FUNCTION)

_seen_events: OrderedDict[tuple[str, str], None] = OrderedDict()
_cold_start = True


def _remember(key: tuple[str, str]) -> None:
    _seen_events[key] = None
    _seen_events.move_to_end(key)
    while len(_seen_events) > SEEN_EVENTS_MAX:
        _seen_events.popitem(last=False)


def _fresh_events(events: list[InstanceEvent], run) -> list[InstanceEvent]:
    """Drop events seen before by this instance and events naming too many instances."""
    fresh: list[InstanceEvent] = []
    for event in events:
        if event.key is not None and event.key in _seen_events:
            run.report.reject("duplicate delivery of an event already handled", f"{event.key[0]} {event.key[1]}")
        elif len(event.instance_ids) > MAX_INSTANCES_PER_REQUEST:
            run.report.reject(
                f"event names {len(event.instance_ids)} instances; at most {MAX_INSTANCES_PER_REQUEST} "
                "are accepted at once, so nothing was done for it",
                f"{event.key[0]} {event.key[1]}" if event.key else f"{len(event.instance_ids)} instance IDs",
            )
        else:
            fresh.append(event)
    return fresh


def handler(event, context):
    global _cold_start
    run = begin(context, CONFIG, function=FUNCTION, trigger=TRIGGER, cold_start=_cold_start)
    _cold_start = False

    default_region = str(getattr(context, "region", "") or "")
    payload = event if isinstance(event, bytes) else str(event).encode("utf-8")
    events, rejections = parse_instance_events(payload, default_region)
    for rejection in rejections:
        run.report.reject(rejection.reason, rejection.value)

    fresh = _fresh_events(events, run)
    # A batch of events may name more instances in one region than one call takes,
    # so each region's IDs, deduplicated in order, are handled in slices.
    by_region: dict[str, dict[str, None]] = {}
    for item in fresh:
        by_region.setdefault(item.region, {}).update(dict.fromkeys(item.instance_ids))
    for region, unique_ids in by_region.items():
        instance_ids = list(unique_ids)
        for start in range(0, len(instance_ids), MAX_INSTANCES_PER_REQUEST):
            ensure_agent(run, region, instance_ids[start:start + MAX_INSTANCES_PER_REQUEST], CONFIG)

    result = finish(run)
    left = run.report.transient_failures()
    left_ids = {outcome.instance_id for outcome in left}
    for item in fresh:
        if item.key is not None and not left_ids.intersection(item.instance_ids):
            _remember(item.key)

    if left:
        names = ", ".join(sorted(left_ids)[:MAX_LISTED_IN_ERROR])
        more = f" and {len(left_ids) - MAX_LISTED_IN_ERROR} more" if len(left_ids) > MAX_LISTED_IN_ERROR else ""
        noun = "instance" if len(left_ids) == 1 else "instances"
        log.warning("redelivery_requested", instancesLeft=len(left_ids))
        raise TransientFailureError(
            f"{len(left_ids)} {noun} left for a retry after transient failures or the deadline: {names}{more}"
        )
    return json.dumps(result)

"""Handling of one ECS OpenAPI call: authentication, faults, the action, the response."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from . import actions, auth, errors, responses
from .calllog import loggable_params
from .faults import Plan
from .wire import WireRequest

logger = logging.getLogger("local.ecs_emulator")


@dataclass
class Outcome:
    """The response to send, or a connection reset."""

    status: int = 200
    code: str | None = None
    body: bytes = b""
    content_type: str = responses.JSON_CONTENT_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    slow_body_seconds: float = 0.0


def handle_api_call(emulator, request: WireRequest) -> Outcome:
    """Handle one API call, build its response and record the call in the call log."""
    request_id = responses.new_request_id()
    signature_version = auth.detect_signature_version(request)
    fmt = responses.response_format(request.params, signature_version)
    action = request.header("x-acs-action") or request.params.get("Action")
    params = request.params
    if signature_version == "v3":
        params.update({name: value for name, value in (("Action", action),
                       ("Version", request.header("x-acs-version"))) if value})
    entry = {"action": action, "regionId": params.get("RegionId"),
             "params": loggable_params(params), "status": None, "code": None,
             "time": time.time(), "signatureVersion": signature_version, "fault": None}

    plan = Plan()
    try:
        result = auth.authenticate(request, emulator.credentials, emulator.nonces,
                                   emulator.fleet_state.settings.timestamp_window_seconds)
        handler = actions.check_action(result.action, result.version)

        plan = emulator.faults.plan(result.action)
        entry["fault"] = ",".join(plan.kinds) or None
        if plan.latency_seconds:
            time.sleep(plan.latency_seconds)
        if plan.reset_before:
            emulator.call_log.record(entry)
            return Outcome(reset=True)
        if plan.error is not None:
            raise plan.error

        with emulator.fleet_state.lock:
            body = handler(emulator.fleet_state, result.params)
        if plan.reset_after:
            emulator.call_log.record(entry)
            return Outcome(reset=True)

        payload, content_type = responses.render({"RequestId": request_id, **body},
                                                 f"{result.action}Response", fmt)
        outcome = Outcome(200, None, payload, content_type)
    except errors.ApiError as error:
        # Debug level, because benchmarks make many such calls on purpose.
        logger.debug("call %s failed with %s %s, request %s", action, error.status,
                     error.code, request_id)
        outcome = _error_outcome(request, request_id, fmt, error)
    except Exception:
        logger.exception("action %s failed inside the emulator, request %s", action, request_id)
        error = errors.InternalError("The request processing has failed due to an error "
                                     "inside the emulator.")
        outcome = _error_outcome(request, request_id, fmt, error)

    outcome.slow_body_seconds = plan.slow_body_seconds
    outcome.headers["x-acs-request-id"] = request_id
    entry["status"] = outcome.status
    entry["code"] = outcome.code
    emulator.call_log.record(entry)
    return outcome


def _error_outcome(request: WireRequest, request_id: str, fmt: str,
                   error: errors.ApiError) -> Outcome:
    host = request.header("host") or "ecs.aliyuncs.com"
    body = responses.error_body(request_id, host, error.code, error.message)
    payload, content_type = responses.render(body, "Error", fmt)
    return Outcome(error.status, error.code, payload, content_type, dict(error.headers))

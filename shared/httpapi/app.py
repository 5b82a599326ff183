"""The HTTP API's request handling, from a WSGI environ to a status, headers and body.

Authentication comes first and needs only the headers, the body size check comes
before the body is read, and only validated values reach ECS. Every rejection is
logged with its reason; no response carries a traceback.
"""

from __future__ import annotations

import hmac
from typing import Any

from shared import report as outcomes
from shared.config import Config
from shared.ecs import CredentialError, EcsError
from shared.httpapi.errors import ApiError
from shared.httpapi.render import error_document, render
from shared.httpapi.request import ApiRequest, collect_parameters, parse_api_request, read_body
from shared.installer import ensure_agent
from shared.invocation import begin, finish, request_id_of
from shared.logs import bind_invocation, get_logger, redact_secret_values
from shared.run import Run
from shared.validation import region_error

log = get_logger("shared.httpapi")

Response = tuple[int, dict[str, str], bytes]
CREDENTIALS_MESSAGE = "The function could not authenticate to ECS; check its service role"
METHODS = ("GET", "POST")


def _check_token(environ: dict[str, Any], config: Config) -> None:
    supplied = environ.get("HTTP_X_API_TOKEN")
    if not supplied:
        raise ApiError(401, "MissingApiToken", "The X-Api-Token header is required",
                       {"WWW-Authenticate": "X-Api-Token"})
    # compare_digest takes time independent of where the values differ.
    if not hmac.compare_digest(str(supplied).encode("utf-8"), config.http_api_token.encode("utf-8")):
        raise ApiError(401, "InvalidApiToken", "The X-Api-Token header is not valid",
                       {"WWW-Authenticate": "X-Api-Token"})


def _check_region(request: ApiRequest, config: Config) -> None:
    problem = region_error(request.region)
    if problem is not None:
        raise ApiError(400, "InvalidParameter.RegionId", f"The specified RegionId is invalid: {problem}")
    if not config.region_allowed(request.region):
        raise ApiError(403, "Forbidden.Region",
                       f"The region {request.region} is not in this function's ALLOWED_REGIONS")


def _install(run: Run, request: ApiRequest, config: Config) -> dict[str, Any]:
    ensure_agent(run, request.region, request.instance_ids, config)
    result = finish(run)
    instances = run.report.outcomes()

    if instances and all(item.error_code == "InvalidRegionId.NotFound" for item in instances):
        raise ApiError(404, "InvalidRegionId.NotFound", "The RegionId provided does not exist in our items.")
    if instances and all(item.outcome == outcomes.NOT_FOUND for item in instances):
        raise ApiError(404, "InvalidInstance.NotFound", "The specified instances do not exist.")
    if run.fatal is not None and all(item.outcome == outcomes.FAILED for item in instances):
        raise ApiError(500, "InternalError.Credentials", CREDENTIALS_MESSAGE)
    if instances and all(item.outcome in (outcomes.FAILED, outcomes.DEFERRED) for item in instances):
        _raise_nothing_done(instances)

    document: dict[str, Any] = {
        "RequestId": result["requestId"],
        "Instances": [_pascal_case(item) for item in result["instances"]],
    }
    if result["rejected"]:
        document["Rejected"] = [_pascal_case(item) for item in result["rejected"]]
    return document


def _raise_nothing_done(instances: list) -> None:
    """Raise an error status when no instance was handled, so a caller that checks only the status notices."""
    codes = sorted({item.error_code or item.outcome for item in instances})
    retryable = any(item.retryable for item in instances)
    message = f"No instance was handled: the ECS calls failed ({', '.join(codes)})"
    if retryable:
        raise ApiError(503, "ServiceUnavailable", message + "; retry later")
    raise ApiError(502, "BadGateway", message)


def _pascal_case(item: dict[str, Any]) -> dict[str, Any]:
    """Rename a report entry's keys to the PascalCase that ECS responses use."""
    return {key[0].upper() + key[1:]: value for key, value in item.items()}


def _describe_status(run: Run, request: ApiRequest) -> dict[str, Any]:
    if run.fatal is not None:
        raise ApiError(500, "InternalError.Credentials", CREDENTIALS_MESSAGE)
    try:
        statuses = run.client.describe_cloud_assistant_status(request.region, request.instance_ids)
    except CredentialError as error:
        log.error("ecs_credentials_rejected", code=error.code)
        raise ApiError(500, "InternalError.Credentials", CREDENTIALS_MESSAGE) from None
    except EcsError as error:
        status = error.http_status if error.http_status and error.http_status < 500 else 503
        raise ApiError(status, error.code or "ServiceUnavailable", error.message) from None
    finally:
        finish(run)

    items = [
        {
            "InstanceId": instance_id,
            "CloudAssistantStatus": "true" if statuses[instance_id].online else "false",
            "CloudAssistantVersion": statuses[instance_id].version,
            "LastHeartbeatTime": statuses[instance_id].last_heartbeat,
        }
        for instance_id in request.instance_ids
        if instance_id in statuses
    ]
    return {
        "RequestId": run.report.request_id,
        "InstanceCloudAssistantStatusSet": {"InstanceCloudAssistantStatus": items},
    }


def handle(environ: dict[str, Any], context: object, config: Config, cold_start: bool) -> Response:
    """Serve one request; every outcome, errors included, is a rendered response."""
    request_id = request_id_of(context)
    bind_invocation(request_id=request_id, function="http_api", trigger="http", cold_start=cold_start)
    xml = "format=xml" in str(environ.get("QUERY_STRING") or "").lower()
    try:
        return _serve(environ, context, config, cold_start)
    except ApiError as error:
        log.warning("http_request_rejected", status=error.status, code=error.code, reason=error.message,
                    method=environ.get("REQUEST_METHOD"))
        message = redact_secret_values(error.message)
        content_type, body = render("Error", error_document(request_id, error.code, message), xml)
        return error.status, {"Content-Type": content_type, **error.headers}, body
    except Exception:  # noqa: BLE001 - no traceback may reach the caller
        log.exception("http_request_failed")
        message = f"An internal error occurred; see the function logs for request {request_id}"
        content_type, body = render("Error", error_document(request_id, "InternalError", message), xml)
        return 500, {"Content-Type": content_type}, body


def _serve(environ: dict[str, Any], context: object, config: Config, cold_start: bool) -> Response:
    method = str(environ.get("REQUEST_METHOD") or "").upper()
    if method not in METHODS:
        raise ApiError(405, "UnsupportedHTTPMethod", f"The method {method} is not allowed; use GET or POST",
                       {"Allow": ", ".join(METHODS)})
    if config.http_auth_mode == "token":
        _check_token(environ, config)

    body = read_body(environ, config.http_max_body_bytes)
    parameters = collect_parameters(environ, body)
    request = parse_api_request(parameters)

    if config.http_auth_mode == "none" and request.action == "InstallCloudAssistant":
        raise ApiError(403, "Forbidden.AuthenticationDisabled",
                       "InstallCloudAssistant needs HTTP_AUTH_MODE fc-signature or token; with none only "
                       "DescribeCloudAssistantStatus is served")
    _check_region(request, config)

    run = begin(context, config, function="http_api", trigger="http", cold_start=cold_start)
    log.info("http_request", action=request.action, regionId=request.region, instanceCount=len(request.instance_ids))
    if request.action == "InstallCloudAssistant":
        document = _install(run, request, config)
    else:
        document = _describe_status(run, request)

    content_type, payload = render(f"{request.action}Response", document, request.xml)
    return 200, {"Content-Type": content_type}, payload

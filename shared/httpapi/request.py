"""Reading an HTTP request into the API's parameters, within the body size limit.

Parameters come from the query string, a form-encoded body or a JSON body, in the
forms ECS accepts: `InstanceIds` as a JSON array (the InstallCloudAssistant
document's request example) or the repeat list `InstanceId.1..N`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from shared.httpapi.errors import ApiError, invalid_instance_ids, missing
from shared.validation import excerpt, instance_id_error

MAX_INSTANCE_IDS = 100
ACTIONS = ("InstallCloudAssistant", "DescribeCloudAssistantStatus")


@dataclass(frozen=True)
class ApiRequest:
    """A parsed API request. `instance_ids` are validated and deduplicated."""

    action: str
    region: str
    instance_ids: list[str]
    xml: bool


def read_body(environ: dict[str, Any], max_bytes: int) -> bytes:
    """Read the body, rejecting one over `max_bytes` before parsing it.

    A missing or empty CONTENT_LENGTH means an empty body.
    """
    length_text = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not length_text:
        return b""
    try:
        length = int(length_text)
    except ValueError:
        raise ApiError(400, "InvalidParameter.ContentLength",
                       f"Content-Length {excerpt(length_text)} is not a number") from None
    if length < 0:
        raise ApiError(400, "InvalidParameter.ContentLength", f"Content-Length {length} is negative")
    if length > max_bytes:
        raise ApiError(413, "RequestEntityTooLarge",
                       f"The request body has {length} bytes; at most {max_bytes} are accepted")
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length else b""


def collect_parameters(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    """Merge the query string and the body's parameters; body values win."""
    parameters: dict[str, Any] = dict(parse_qsl(str(environ.get("QUERY_STRING") or ""), keep_blank_values=True))
    if not body:
        return parameters

    content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    text = body.decode("utf-8", "replace")
    if content_type == "application/json" or (not content_type and text.lstrip().startswith("{")):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            raise ApiError(400, "InvalidParameter.Body", "The request body is not valid JSON") from None
        if not isinstance(document, dict):
            raise ApiError(400, "InvalidParameter.Body", "The JSON request body must be an object")
        parameters.update(document)
    else:
        parameters.update(parse_qsl(text, keep_blank_values=True))
    return parameters


def _instance_id_values(parameters: dict[str, Any]) -> list[object] | None:
    """Return the raw instance IDs from `InstanceIds` or `InstanceId.N`, or None when neither is given."""
    numbered_names = [name for name in parameters if name.startswith("InstanceId.")]
    if "InstanceIds" in parameters and numbered_names:
        raise invalid_instance_ids("use either InstanceIds or InstanceId.N, not both")

    if "InstanceIds" in parameters:
        value = parameters["InstanceIds"]
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else []
            except (ValueError, RecursionError):
                raise invalid_instance_ids("InstanceIds must be a JSON array of instance IDs") from None
        if not isinstance(value, list):
            raise invalid_instance_ids("InstanceIds must be a JSON array of instance IDs")
        return value

    numbered: list[tuple[int, object]] = []
    for name, value in parameters.items():
        if not name.startswith("InstanceId."):
            continue
        suffix = name[len("InstanceId."):]
        if not suffix.isdigit() or int(suffix) < 1:
            raise invalid_instance_ids(f"{excerpt(name)} is not of the form InstanceId.N with N from 1")
        numbered.append((int(suffix), value))
    if not numbered:
        return None
    return [value for _, value in sorted(numbered, key=lambda pair: pair[0])]


def parse_api_request(parameters: dict[str, Any]) -> ApiRequest:
    """Validate the parameters of an API call, raising ApiError with the documented codes."""
    action = parameters.get("Action")
    if not action:
        raise missing("Action")
    if action not in ACTIONS:
        raise ApiError(404, "InvalidApi.NotFound",
                       f"The action {excerpt(action)} is not supported; use {' or '.join(ACTIONS)}")

    response_format = str(parameters.get("Format") or "JSON").upper()
    if response_format not in ("JSON", "XML"):
        raise ApiError(400, "InvalidParameter.Format",
                       f"Format {excerpt(parameters.get('Format'))} is invalid; use JSON or XML")
    xml = response_format == "XML"
    region = parameters.get("RegionId")
    if region in (None, ""):
        raise missing("RegionId")

    values = _instance_id_values(parameters)
    if not values:
        raise missing("InstanceIds")
    if len(values) > MAX_INSTANCE_IDS:
        raise invalid_instance_ids(f"{len(values)} IDs given; a request accepts at most {MAX_INSTANCE_IDS}")

    instance_ids: list[str] = []
    for value in values:
        problem = instance_id_error(value)
        if problem is not None:
            raise invalid_instance_ids(problem)
        if value not in instance_ids:
            instance_ids.append(str(value))

    return ApiRequest(action=str(action), region=region if isinstance(region, str) else repr(region),
                      instance_ids=instance_ids, xml=xml)

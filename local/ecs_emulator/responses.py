"""Rendering of success and error bodies in the JSON and XML forms of the ECS OpenAPI."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote
from xml.sax.saxutils import escape

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
# The Tea SDK parses an error body as XML only with exactly this Content-Type.
XML_CONTENT_TYPE = "text/xml;charset=utf-8"


def new_request_id() -> str:
    """Return a request ID in the service's form: an upper-case UUID."""
    return str(uuid.uuid4()).upper()


def response_format(params: dict, signature_version: str | None) -> str:
    """Return "JSON" or "XML" from the Format parameter, case-insensitively.

    Without Format, a V1 call gets XML (the API's documented default). A V3 request sends its
    Action in headers and no Format, and the SDKs that sign V3 expect JSON.
    """
    requested = (params.get("Format") or "").upper()
    if requested in ("JSON", "XML"):
        return requested
    return "JSON" if signature_version == "v3" else "XML"


def render(body: dict, root: str, fmt: str) -> tuple[bytes, str]:
    """Serialize a response body. root names the XML root element."""
    if fmt == "JSON":
        return json.dumps(body, ensure_ascii=False).encode("utf-8"), JSON_CONTENT_TYPE

    parts = ["<?xml version='1.0' encoding='UTF-8'?>", f"<{root}>"]
    _xml_children(body, parts)
    parts.append(f"</{root}>")
    return "".join(parts).encode("utf-8"), XML_CONTENT_TYPE


def _xml_children(value: dict, parts: list[str]) -> None:
    for name, child in value.items():
        if isinstance(child, list):
            # A list becomes repeated elements named after its key: <Tag>..</Tag><Tag>..</Tag>.
            for item in child:
                _xml_element(name, item, parts)
        else:
            _xml_element(name, child, parts)


def _xml_element(name: str, value, parts: list[str]) -> None:
    parts.append(f"<{name}>")
    if isinstance(value, dict):
        _xml_children(value, parts)
    elif isinstance(value, bool):
        parts.append("true" if value else "false")
    elif value is not None:
        parts.append(escape(str(value)))
    parts.append(f"</{name}>")


def error_body(request_id: str, host: str, code: str, message: str) -> dict:
    """Return the error envelope {RequestId, HostId, Code, Message, Recommend}."""
    recommend = (f"https://api.aliyun.com/troubleshoot?q={quote(code)}&product=Ecs"
                 f"&requestId={request_id}")
    return {"RequestId": request_id, "HostId": host, "Code": code, "Message": message,
            "Recommend": recommend}

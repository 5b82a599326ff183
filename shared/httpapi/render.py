"""Rendering API responses and errors as JSON (the default) or XML (`Format=XML`)."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"
# XML element names for the items of list fields.
LIST_ITEM_NAMES = {
    "Instances": "Instance",
    "Rejected": "Rejection",
    "InstanceCloudAssistantStatus": "InstanceCloudAssistantStatus",
}


def _xml_value(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(_xml_value(key, item) for key, item in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list):
        item_name = LIST_ITEM_NAMES.get(name, "Item")
        if name == item_name:
            # ECS repeats the element itself for a list nested in a set, e.g. InstanceCloudAssistantStatus.
            return "".join(_xml_value(name, item) for item in value)
        return f"<{name}>{''.join(_xml_value(item_name, item) for item in value)}</{name}>"
    if value is None:
        return f"<{name}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


def render(root: str, document: dict[str, Any], xml: bool) -> tuple[str, bytes]:
    """Return the content type and body of a response whose XML root element is `root`."""
    if xml:
        body = '<?xml version="1.0" encoding="UTF-8"?>' + _xml_value(root, document)
        return XML_TYPE, body.encode("utf-8")
    return JSON_TYPE, json.dumps(document, ensure_ascii=False).encode("utf-8")


def error_document(request_id: str, code: str, message: str) -> dict[str, Any]:
    return {"RequestId": request_id, "HostId": "fc", "Code": code, "Message": message}

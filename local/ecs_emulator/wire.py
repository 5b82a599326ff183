"""The parts of an HTTP request that the ECS OpenAPI reads: method, path, query, form, headers."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


@dataclass
class WireRequest:
    """One HTTP request as parsed from the socket."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, list[str]]  # lower-case name -> every value sent
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        """Query and form parameters together. A form value wins over a query value."""
        merged = dict(self.query)
        merged.update(self.form)
        return merged

    def header(self, name: str) -> str | None:
        """Return the first value of a header, or None when the request has none."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


def parse_request(method: str, target: str, header_items: list[tuple[str, str]],
                  body: bytes) -> WireRequest:
    """Parse the request line target, the headers and the body into a WireRequest."""
    split = urlsplit(target)
    query = dict(parse_qsl(split.query, keep_blank_values=True))

    headers: dict[str, list[str]] = {}
    for name, value in header_items:
        headers.setdefault(name.lower(), []).append(value)

    form: dict[str, str] = {}
    content_type = (headers.get("content-type") or [""])[0].split(";")[0].strip().lower()
    if body and content_type == FORM_CONTENT_TYPE:
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))

    return WireRequest(method.upper(), split.path or "/", query, form, headers, body)

"""Paging by MaxResults and NextToken, or by the older PageNumber and PageSize."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import errors, params


@dataclass
class Page:
    """The part of a result that a request selects."""

    start: int | None  # a position in the candidate list, from a NextToken
    skip: int  # matches to skip first (PageNumber mode)
    limit: int
    page_number: int
    page_size: int


def parse_paging(values: dict, fingerprint: str, maximum: int, default: int = 10) -> Page:
    """Read the paging parameters. MaxResults or NextToken selects token paging.

    The NextToken must come from a call with the same filters, which fingerprint identifies.
    """
    token = values.get("NextToken") or ""
    if "MaxResults" in values or token:
        limit = params.integer(values, "MaxResults", default, 1, maximum)
        start = decode_token(token, fingerprint) if token else 0
        return Page(start=start, skip=0, limit=limit, page_number=1, page_size=limit)

    page_size = params.integer(values, "PageSize", default, 1, maximum)
    page_number = params.integer(values, "PageNumber", 1, 1, None)
    return Page(start=None, skip=(page_number - 1) * page_size, limit=page_size,
                page_number=page_number, page_size=page_size)


def encode_token(position: int, fingerprint: str) -> str:
    text = f"{position}:{zlib.crc32(fingerprint.encode()):08x}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> int:
    """Return the position a NextToken points at, or raise InvalidParameter.NextToken."""
    try:
        padded = token + "=" * (-len(token) % 4)
        position_text, check = base64.urlsafe_b64decode(padded).decode().split(":")
        position = int(position_text)
    except ValueError:
        position, check = -1, ""
    if position < 0 or check != f"{zlib.crc32(fingerprint.encode()):08x}":
        raise errors.invalid_parameter(
            "NextToken", token, "it is not a token returned by this call with the same "
            "filters; start again without NextToken")
    return position


def paginate(candidates: Sequence, matches: Callable | None, page: Page,
             fingerprint: str) -> tuple[list, str]:
    """Return the page's items and the NextToken of the next page ("" on the last page).

    Without a filter the page is a slice. With one, the scan starts at the token's position
    and stops at the first match after the page, so paging through N candidates costs O(N).
    """
    total = len(candidates)
    position = page.start if page.start is not None else 0

    if matches is None:
        if page.start is None:
            position = page.skip
        items = list(candidates[position:position + page.limit])
        position += len(items)
        next_position = position if position < total else None
    else:
        skipped = 0
        while page.start is None and skipped < page.skip and position < total:
            if matches(candidates[position]):
                skipped += 1
            position += 1
        items = []
        while position < total and len(items) < page.limit:
            if matches(candidates[position]):
                items.append(candidates[position])
            position += 1
        while position < total and not matches(candidates[position]):
            position += 1
        next_position = position if position < total else None

    token = encode_token(next_position, fingerprint) if next_position is not None else ""
    return items, token

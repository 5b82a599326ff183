"""JSON decoding and safe excerpts of untrusted payloads."""

from __future__ import annotations

import json
from collections.abc import Iterator

from shared.payloads.model import Rejection

MAX_EXCERPT = 200
# Renders nested values no deeper than this, so an excerpt never recurses far.
_MAX_RENDER_DEPTH = 6


def excerpt(value: object, limit: int = MAX_EXCERPT) -> str:
    """Return a printable preview of at most `limit` characters of any value.

    Bytes are decoded as UTF-8 with invalid bytes shown as escapes. Other values
    are rendered like JSON, with depth and length bounded so that huge or deeply
    nested input costs little. Control and other non-printable characters are
    escaped, so the result cannot break a log line.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        text = bytes(value[: limit * 4]).decode("utf-8", "backslashreplace")
    elif isinstance(value, str):
        text = value[: limit * 2]
    else:
        text = _render(value, limit * 2)

    escaped = _escape_nonprintable(text)
    if len(escaped) > limit:
        return escaped[: limit - 1] + "…"
    return escaped


def describe_type(value: object) -> str:
    """Return the JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def decode_json(payload: object) -> tuple[object, Rejection | None]:
    """Decode a UTF-8 JSON payload, returning a Rejection instead of raising.

    FC passes the event as bytes. A str is accepted as well, and a leading
    byte order mark is skipped.
    """
    if isinstance(payload, (bytes, bytearray, memoryview)):
        raw = bytes(payload)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"invalid payload: not UTF-8 (invalid byte at offset {error.start})"
            return None, Rejection(reason, excerpt(raw))
    elif isinstance(payload, str):
        text = payload
    else:
        reason = f"invalid payload: expected bytes, got {type(payload).__name__}"
        return None, Rejection(reason, excerpt(payload))

    text = text.removeprefix("\ufeff")
    if not text.strip():
        return None, Rejection("invalid payload: empty; expected a JSON document", "")

    try:
        return json.loads(text), None
    except RecursionError:
        return None, Rejection("invalid payload: JSON is nested too deeply", excerpt(text))
    except ValueError as error:
        # JSONDecodeError and the integer digit limit both raise ValueError.
        return None, Rejection(f"invalid payload: not valid JSON ({error})", excerpt(text))


def _render(value: object, budget: int) -> str:
    pieces: list[str] = []
    length = 0
    for piece in _render_pieces(value, 0):
        pieces.append(piece)
        length += len(piece)
        if length >= budget:
            break
    return "".join(pieces)


def _render_pieces(value: object, depth: int) -> Iterator[str]:
    if isinstance(value, str):
        yield json.dumps(value[:MAX_EXCERPT], ensure_ascii=False)
    elif value is None or isinstance(value, (bool, int, float)):
        yield _render_scalar(value)
    elif isinstance(value, dict):
        if depth >= _MAX_RENDER_DEPTH:
            yield "{…}"
            return
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            if index:
                yield ", "
            yield json.dumps(str(key)[:MAX_EXCERPT], ensure_ascii=False)
            yield ": "
            yield from _render_pieces(item, depth + 1)
        yield "}"
    elif isinstance(value, (list, tuple)):
        if depth >= _MAX_RENDER_DEPTH:
            yield "[…]"
            return
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ", "
            yield from _render_pieces(item, depth + 1)
        yield "]"
    else:
        yield f"<{type(value).__name__}>"


def _render_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        return repr(value)
    except ValueError:
        # Since 3.10.7, Python raises ValueError when converting an integer of
        # more than 4300 digits to text.
        return "<large integer>"


def _escape_nonprintable(text: str) -> str:
    if text.isprintable():
        return text

    characters = []
    for character in text:
        if character.isprintable():
            characters.append(character)
            continue
        code = ord(character)
        if code <= 0xFF:
            characters.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            characters.append(f"\\u{code:04x}")
        else:
            characters.append(f"\\U{code:08x}")
    return "".join(characters)

"""Access to the trigger payload fixtures in tests/events."""

from __future__ import annotations

import json
from pathlib import Path

EVENTS_DIR = Path(__file__).resolve().parents[1] / "events"


def fixture_bytes(name: str) -> bytes:
    """Return a fixture file's bytes, as FC passes the event to the handler."""
    return (EVENTS_DIR / name).read_bytes()


def fixture_json(name: str) -> object:
    """Return a fixture file decoded from JSON."""
    return json.loads(fixture_bytes(name))

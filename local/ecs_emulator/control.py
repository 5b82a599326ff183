"""The control API under /_emulator/: reset, launch, state, calls, faults and settings."""

from __future__ import annotations

import json

CONTROL_PREFIX = "/_emulator/"


class ControlError(Exception):
    """A failed control call, with the HTTP status of its error response."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def handle_control(emulator, method: str, path: str, body: bytes) -> tuple[int, dict]:
    """Serve one control call and return the HTTP status and a JSON body."""
    route = path[len(CONTROL_PREFIX):].strip("/")
    routes = {
        ("POST", "reset"): lambda data: {"instances": emulator.reset(data)},
        ("POST", "instances"): lambda data: {"instances": emulator.launch(_instances(data))},
        ("GET", "state"): lambda data: emulator.state(),
        ("GET", "calls"): lambda data: {"calls": emulator.calls()},
        ("DELETE", "calls"): lambda data: {"cleared": emulator.clear_calls()},
        ("GET", "faults"): lambda data: {"faults": emulator.faults.describe()},
        ("POST", "faults"): lambda data: {"faults": emulator.set_faults(_faults(data))},
        ("DELETE", "faults"): lambda data: {"faults": emulator.clear_faults()},
        ("GET", "settings"): lambda data: emulator.settings(),
        ("POST", "settings"): lambda data: emulator.settings(**_object(data)),
    }

    handler = routes.get((method, route))
    if handler is None:
        allowed = sorted(m for m, r in routes if r == route)
        if allowed:
            raise ControlError(405, f"{method} is not allowed on {path}; use {', '.join(allowed)}")
        raise ControlError(404, f"no control endpoint {path}; see the emulator README")

    data = None
    if method == "POST":
        try:
            data = json.loads(body.decode("utf-8") or "null")
        except ValueError as error:
            raise ControlError(400, f"the body of {path} is not valid JSON: {error}") from None

    try:
        return 200, handler(data)
    except (ValueError, TypeError) as error:
        raise ControlError(400, str(error)) from None


def _instances(data) -> list:
    if isinstance(data, dict) and "instances" in data:
        return data["instances"]
    return data


def _faults(data) -> list:
    if isinstance(data, dict) and "faults" in data:
        return data["faults"]
    return data


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise ValueError(f"the body must be a JSON object of settings, got {data!r}")
    return data

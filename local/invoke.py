"""Invoke one function once in the local FC 2.0 runtime, as `fun local invoke` would.

    python -m local.invoke instance_events --event tests/events/state_change.json
    echo '{"triggerName": "sweep"}' | python -m local.invoke scheduled_sweep --event -

The handler's return value is the only output on stdout: a str as is, bytes decoded
as UTF-8, anything else as JSON. The handler's logs, which FC ships from stdout to
Simple Log Service, go to stderr. The exit status is 0 on success, 1 when the
handler raises or times out (with FC's error JSON on stdout) and 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import traceback
from pathlib import Path
from typing import Any

from local.fc_runtime.cli import add_instance_arguments, build_instance
from local.fc_runtime.errors import FcConfigError, FcError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local.invoke",
        description="Invoke a function once in the local FC 2.0 runtime.",
    )
    add_instance_arguments(parser)
    parser.add_argument("--event", required=True, metavar="FILE",
                        help="file with the event bytes, or - to read them from stdin")
    parser.add_argument("--request-id", help="context.request_id (default: a new UUID)")
    return parser


def read_event(parser: argparse.ArgumentParser, source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        parser.error(f"cannot read event file {source!r}: {error.strerror}")
    raise AssertionError("parser.error exits")


def render(value: Any) -> str:
    """Render a handler's return value for stdout."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    event = read_event(parser, arguments.event)
    output = sys.stdout

    # The product's logger writes to whatever sys.stdout is at each write, so this
    # sends the handler's logs to stderr and keeps stdout for the result.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            instance = build_instance(parser, arguments)
            result = instance.invoke(event, request_id=arguments.request_id)
        except FcConfigError as error:
            parser.error(str(error))
        except FcError as error:
            # FC writes the failure to the function's log as well as returning it.
            print(f"Invocation failed: {error}", file=sys.stderr)
            if error.__cause__ is not None:
                traceback.print_exception(error.__cause__, file=sys.stderr)
            output.write(json.dumps(error.payload) + "\n")
            output.flush()
            return 1

    output.write(render(result) + "\n")
    output.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

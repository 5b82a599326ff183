"""Child process of the cold start benchmark: import one handler variant and handle one event.

Usage: python -m bench.cold_child {ours|sdk} EVENT_FILE TIMINGS_FILE

`ours` loads functions/instance_events/index.py as FC does, with the repository root
on sys.path in place of the deployed package's folder. `sdk` loads bench.sdk_handler.
The timings file receives, as JSON, the import and handling times in seconds, the
claim settle wait of the variant and the peak RSS (VmHWM, see bench/peak.py).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import importlib.util  # noqa: E402 - the clock starts before every other import
import json  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from bench.peak import peak_rss_kib  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTION_TIMEOUT_SECONDS = 120


def load_handler(variant: str):
    if variant == "sdk":
        from bench import sdk_handler

        return sdk_handler.handler, sdk_handler.CLAIM_SETTLE_SECONDS
    if variant != "ours":
        raise SystemExit(f"invalid variant {variant!r}: use ours or sdk")

    sys.path.insert(0, str(REPO_ROOT))
    path = REPO_ROOT / "functions" / "instance_events" / "index.py"
    spec = importlib.util.spec_from_file_location("index", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from shared.policy import Policy

    return module.handler, Policy().claim_settle_seconds


def main() -> None:
    variant, event_file, timings_file = sys.argv[1:4]
    event = Path(event_file).read_bytes()
    context = SimpleNamespace(request_id=str(uuid.uuid4()), region="cn-hangzhou",
                              function=SimpleNamespace(timeout=FUNCTION_TIMEOUT_SECONDS))

    handler, settle_seconds = load_handler(variant)
    imported = time.perf_counter()

    result = handler(event, context)
    handled = time.perf_counter()

    timings = {"import_seconds": imported - STARTED, "handle_seconds": handled - imported,
               "claim_settle_seconds": settle_seconds, "peak_rss_kib": peak_rss_kib(),
               "result": json.loads(result)}
    Path(timings_file).write_text(json.dumps(timings), encoding="utf-8")


if __name__ == "__main__":
    main()

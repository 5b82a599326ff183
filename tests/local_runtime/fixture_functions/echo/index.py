"""Event handler for the local runtime's tests: reports what the runtime gave it."""

import json
import os
import threading
import time

# Read once at import, as the real handlers read their configuration.
IMPORT_ENVIRONMENT = {
    name: os.environ.get(name)
    for name in ("REBOOT_POLICY", "DRY_RUN", "EXTRA", "FC_FUNCTION_NAME", "FC_REGION",
                 "FC_SERVICE_NAME", "FC_QUALIFIER", "ALIBABA_CLOUD_ACCESS_KEY_ID")
}
INITIALIZER_CALLS = []
SEEN_IDS = set()
ACTIVE = {"now": 0, "max": 0}
LOCK = threading.Lock()
BARRIERS = {}

print("echo module loaded")


def initialize(context):
    INITIALIZER_CALLS.append(context.request_id)
    INITIALIZER_CALLS_ENVIRONMENT.append(os.environ.get("REBOOT_POLICY"))


INITIALIZER_CALLS_ENVIRONMENT = []


def handler(event, context):
    print(json.dumps({"message": "echo invoked", "request_id": context.request_id}))
    request = json.loads(event) if event.startswith(b"{") else {}

    action = request.get("action")
    if action == "raise":
        raise ValueError(request.get("message", "bad event"))
    if action == "sleep":
        time.sleep(request["seconds"])
    if action == "remember":
        is_new = request["id"] not in SEEN_IDS
        SEEN_IDS.add(request["id"])
        return {"new": is_new}
    if action == "barrier":
        with LOCK:
            barrier = BARRIERS.setdefault(request["name"], threading.Barrier(request["parties"]))
        barrier.wait(timeout=request["timeout"])
    if action == "count":
        with LOCK:
            ACTIVE["now"] += 1
            ACTIVE["max"] = max(ACTIVE["max"], ACTIVE["now"])
        time.sleep(request["seconds"])
        with LOCK:
            ACTIVE["now"] -= 1
        return ACTIVE["max"]
    if action == "text":
        return request["text"]

    return {
        "event_type": type(event).__name__,
        "event": event.decode("utf-8"),
        "import_environment": IMPORT_ENVIRONMENT,
        "initializer_calls": len(INITIALIZER_CALLS),
        "initializer_environment": INITIALIZER_CALLS_ENVIRONMENT,
        "request_id": context.request_id,
        "function": vars(context.function),
        "service": vars(context.service),
        "region": context.region,
        "account_id": context.account_id,
        "access_key_id": context.credentials.access_key_id,
        "tracing": vars(context.tracing),
    }

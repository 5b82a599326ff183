"""Backoff between attempts: capped exponential with full jitter, and `x-acs-retry-after`."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

RETRY_AFTER_HEADER = "x-acs-retry-after"
_DIGITS = re.compile(r"[0-9]{1,9}")

# A server that requests a longer wait is treated as unavailable for this
# invocation: the client stops retrying and raises the throttling error, so the
# caller can defer the work.
MAX_RETRY_AFTER_SECONDS = 60.0


def backoff_seconds(
    attempt: int, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Return a random wait after failed attempt number `attempt` (1-based).

    The wait is uniform in [0, min(cap, base * 2**(attempt - 1))].

    Full jitter spreads the retries of many concurrent callers.
    """
    ceiling = min(cap, base * (2 ** max(attempt - 1, 0)))
    return (rng or random).uniform(0.0, ceiling)


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Return the `x-acs-retry-after` wait in seconds, or None when absent or invalid.

    The header is a count of milliseconds. Only a positive whole number is used.
    """
    if not headers:
        return None
    value = headers.get(RETRY_AFTER_HEADER)
    if value is None:
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        return None
    milliseconds = int(value)
    if milliseconds <= 0:
        return None
    return milliseconds / 1000.0

"""Backoff and x-acs-retry-after parsing."""

from __future__ import annotations

import random

from shared.ecs.retry import backoff_seconds, retry_after_seconds


def test_backoff_within_capped_ceiling():
    rng = random.Random(1)
    for attempt, ceiling in ((1, 0.2), (2, 0.4), (3, 0.8), (4, 1.6), (10, 5.0)):
        for _ in range(200):
            wait = backoff_seconds(attempt, 0.2, 5.0, rng)
            assert 0.0 <= wait <= ceiling, (attempt, wait)


def test_backoff_is_jittered():
    rng = random.Random(2)
    waits = {backoff_seconds(3, 0.2, 5.0, rng) for _ in range(20)}
    assert len(waits) == 20


def test_retry_after_in_milliseconds():
    assert retry_after_seconds({"x-acs-retry-after": "1500"}) == 1.5


def test_retry_after_invalid_values_ignored():
    for value in ("", "0", "-5", "1.5", "abc", "١٢", "10 ms", "99999999999"):
        assert retry_after_seconds({"x-acs-retry-after": value}) is None, value


def test_retry_after_absent():
    assert retry_after_seconds({}) is None
    assert retry_after_seconds(None) is None

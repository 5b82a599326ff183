"""Fixtures of the reliability tests: warm functions pointed at the session's emulator."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import new_function


@pytest.fixture
def make_function(emulator):
    """Return a factory of warm FC instances pointed at the emulator; they are closed after the test."""
    created = []

    def factory(name: str, timeout: float | None = None, **environment: str):
        function = new_function(name, emulator.url, timeout=timeout, **environment)
        created.append(function)
        return function

    yield factory
    for function in created:
        function.close()

"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def emulator_server():
    """One ECS OpenAPI emulator on loopback for the whole session, with the default keys."""
    from local.ecs_emulator import EmulatorServer

    server = EmulatorServer(port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator, emptied of instances, calls and faults before each test."""
    emulator_server.reset({"regions": [], "instances": []})
    emulator_server.clear_faults()
    emulator_server.clear_calls()
    yield emulator_server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail a test phase whose captured stdout, stderr or log output contains a secret or a signature.

    The secrets are those in tests/reliability/leaks.py. The message names what was
    found but never the value.
    """
    from tests.reliability.leaks import find_leaks

    outcome = yield
    report = outcome.get_result()
    text = "\n".join(content for title, content in report.sections if title.endswith(f" {report.when}"))
    leaks = find_leaks(text)
    if not leaks:
        return

    message = (f"{item.nodeid} ({report.when}) wrote secrets to its captured output: {'; '.join(sorted(set(leaks)))}."
               " Mask them before they reach a log, an error or a response.")
    if report.failed:
        message = f"{report.longrepr}\n\n{message}"
    report.outcome = "failed"
    report.longrepr = message

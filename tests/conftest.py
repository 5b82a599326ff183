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

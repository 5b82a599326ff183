"""ECS OpenAPI emulator on loopback: signed RPC calls, fleet state, lifecycle and faults."""

from .fleet import generate_fleet
from .server import EmulatorServer

__all__ = ["EmulatorServer", "generate_fleet"]

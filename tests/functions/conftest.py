"""Fixtures that run the real handlers in the local FC runtime against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from local.fc_runtime import FcInstance

EVENTS = Path(__file__).resolve().parent.parent / "events"
FIXTURE_IDS = {
    "cn-hangzhou": ["i-bp16hzb3l9qv2xe7m4ap", "i-bp1c6kq0k2bsh9y4x3rs", "i-bp1f4qz7m2d8wk0n5tyh",
                    "i-bp18e2p5r7yd3c0x9lgu", "i-bp11f7trr4hbi1aaaaaa"],
    "cn-shanghai": ["i-uf6e1m0t3ar9xq4wz8kd"],
    "cn-beijing": ["i-bp18e2p5r7yd3c0x9lgu", "i-bp1f4qz7m2d8wk0n5tyh"],
}


def load_event(name: str) -> bytes:
    return (EVENTS / name).read_bytes()


def load_json(name: str):
    return json.loads(load_event(name))


def fixture_fleet(regions: tuple[str, ...] = ("cn-hangzhou", "cn-shanghai"), age_minutes: int = 5) -> dict:
    """Return a fleet with the fixtures' instances, new and Running, in the given regions.

    Some fixtures use the same made-up IDs in cn-beijing as others in cn-hangzhou,
    and an ID exists in one region only, so a test picks its regions.
    """
    from tests.installer.helpers import instance

    return {
        "regions": [],
        "instances": [
            instance(instance_id, region=region, age_minutes=age_minutes)
            for region in regions
            for instance_id in FIXTURE_IDS[region]
        ],
    }


@pytest.fixture
def make_function(emulator):
    """Return a factory of warm FC instances of a function, pointed at the emulator."""
    created: list[FcInstance] = []

    def factory(name: str, timeout: float | None = None, **environment: str) -> FcInstance:
        values = {
            "ECS_ENDPOINT": emulator.url,
            "ALIBABA_CLOUD_ACCESS_KEY_ID": "testid",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret",
            "ECS_CONNECT_TIMEOUT_SECONDS": "2",
            "ECS_READ_TIMEOUT_SECONDS": "2",
            "ECS_MAX_ATTEMPTS": "2",
            "DEADLINE_MARGIN_SECONDS": "2",
            "FC_REGION": "cn-hangzhou",
        }
        values.update(environment)
        function = FcInstance(name, environment=values, region=values["FC_REGION"], timeout=timeout)
        created.append(function)
        return function

    yield factory
    for function in created:
        function.close()

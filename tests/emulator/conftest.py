"""A small known fleet for the emulator tests."""

from __future__ import annotations

import pytest

RUNNING_1 = "i-bp1aaaaaaaaaaaaaaaaa"
RUNNING_2 = "i-bp1bbbbbbbbbbbbbbbbb"
ONLINE = "i-bp1cccccccccccccccccc"
STOPPED = "i-bp1dddddddddddddddddd"
WINDOWS = "i-bp1eeeeeeeeeeeeeeeeee"
SHANGHAI = "i-uf6ffffffffffffffffff"

SMALL_FLEET = {
    "regions": ["xx-test-1"],
    "instances": [
        {"RegionId": "cn-hangzhou", "InstanceId": RUNNING_1, "Tags": {"env": "prod"},
         "CreationTime": "2024-01-02T03:04Z"},
        {"RegionId": "cn-hangzhou", "InstanceId": RUNNING_2, "Tags": {"env": "dev"}},
        {"RegionId": "cn-hangzhou", "InstanceId": ONLINE, "CloudAssistant": "online",
         "Tags": {"env": "prod", "team": "data"}},
        {"RegionId": "cn-hangzhou", "InstanceId": STOPPED, "Status": "Stopped"},
        {"RegionId": "cn-hangzhou", "InstanceId": WINDOWS, "OSType": "windows"},
        {"RegionId": "cn-shanghai", "InstanceId": SHANGHAI},
    ],
}


@pytest.fixture
def fleet(emulator):
    """The session's emulator loaded with SMALL_FLEET and time-based steps turned off."""
    emulator.reset(SMALL_FLEET)
    emulator.settings(transition_describes=1, transition_seconds=None)
    return emulator

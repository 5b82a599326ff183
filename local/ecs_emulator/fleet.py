"""A seeded generator of realistic fleets in fleet-spec form."""

from __future__ import annotations

import random
from datetime import timedelta

from .models import CREATION_TIME_FORMAT, utc_now
from .regions import REAL_REGION_IDS

DEFAULT_REGIONS = ("cn-hangzhou", "cn-shanghai", "ap-southeast-1")
# Status shares of a typical account: mostly Running, some Stopped, a few in transition.
STATUS_WEIGHTS = (("Running", 86), ("Stopped", 8), ("Pending", 2), ("Starting", 2),
                  ("Stopping", 2))
WINDOWS_SHARE = 0.2
# Share of the instances that have the agent but were not rebooted since it was installed.
INSTALLED_SHARE = 0.02
LINUX_NAMES = ("Alibaba Cloud Linux  3.2104 LTS 64位", "CentOS  7.9 64位", "Ubuntu  22.04 64位",
               "Debian  12.5 64位")
WINDOWS_NAMES = ("Windows Server  2022 数据中心版 64位中文版",
                 "Windows Server  2019 数据中心版 64位英文版")
ENVIRONMENTS = ("prod", "staging", "dev")
TEAMS = ("payments", "search", "platform", "data")
ROLES = ("web", "api", "worker", "db", "cache")
ZONE_LETTERS = ("a", "b", "c", "g", "h")
MAX_AGE_DAYS = 3 * 365
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def generate_fleet(size: int, regions=DEFAULT_REGIONS, missing_ratio: float = 0.25,
                   seed: int = 0) -> dict:
    """Return a fleet spec with size instances spread over regions.

    missing_ratio is the share of instances without the agent (CloudAssistant "none").
    The same arguments always give the same fleet, except that times are relative to now.
    """
    if size < 0:
        raise ValueError(f"fleet size must be >= 0, got {size}")
    if not 0 <= missing_ratio <= 1:
        raise ValueError(f"missing_ratio must be between 0 and 1, got {missing_ratio}")
    regions = tuple(regions)
    if not regions:
        raise ValueError("generate_fleet needs at least one region")

    rng = random.Random(seed)
    now = utc_now().replace(second=0, microsecond=0)
    statuses = [status for status, weight in STATUS_WEIGHTS for _ in range(weight)]
    seen_ids: set[str] = set()
    instances = []
    for number in range(size):
        region_id = regions[number % len(regions)]
        instance_id = _new_id(rng, seen_ids)
        windows = rng.random() < WINDOWS_SHARE
        created = now - timedelta(minutes=rng.randrange(10, MAX_AGE_DAYS * 24 * 60))
        env = rng.choice(ENVIRONMENTS)
        role = rng.choice(ROLES)

        tags = {}
        if rng.random() < 0.7:
            tags["env"] = env
        if rng.random() < 0.5:
            tags["team"] = rng.choice(TEAMS)

        instances.append({
            "RegionId": region_id,
            "InstanceId": instance_id,
            "Status": rng.choice(statuses),
            "OSType": "windows" if windows else "linux",
            "OSName": rng.choice(WINDOWS_NAMES if windows else LINUX_NAMES),
            "CloudAssistant": _agent_state(rng, missing_ratio),
            "CreationTime": created.strftime(CREATION_TIME_FORMAT),
            "InstanceName": f"{env}-{role}-{number:06d}",
            "ZoneId": f"{region_id}-{rng.choice(ZONE_LETTERS)}",
            "Tags": tags,
        })

    extra = [region_id for region_id in dict.fromkeys(regions) if region_id not in
             REAL_REGION_IDS]
    return {"regions": extra, "instances": instances}


def _agent_state(rng: random.Random, missing_ratio: float) -> str:
    if rng.random() < missing_ratio:
        return "none"
    return "installed" if rng.random() < INSTALLED_SHARE else "online"


def _new_id(rng: random.Random, seen: set[str]) -> str:
    """Return a new ID of the ECS form: i- and 20 lower-case letters and digits."""
    while True:
        number = rng.getrandbits(104)
        chars = []
        for _ in range(20):
            number, digit = divmod(number, 36)
            chars.append(_ALPHABET[digit])
        instance_id = "i-" + "".join(chars)
        if instance_id not in seen:
            seen.add(instance_id)
            return instance_id

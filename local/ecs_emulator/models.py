"""Emulated ECS state: regions, instances, their lifecycle and their Cloud Assistant agents.

All methods that read or change state must be called with FleetState.lock held. The server
holds it for the whole of each API call, so that each call starts from and leaves a
consistent state.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from . import errors, regions

STATUSES = ("Pending", "Starting", "Running", "Stopping", "Stopped")
# Each transitional status and the status it moves to when its transition ends.
NEXT_STATUS = {"Pending": "Starting", "Starting": "Running", "Stopping": "Stopped"}
AGENT_STATES = ("none", "installed", "online")
AGENT_VERSION = "2.2.3.398"
CREATION_TIME_FORMAT = "%Y-%m-%dT%H:%MZ"
HEARTBEAT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def minutes_text(moment: datetime) -> str:
    """Format a time as ECS formats CreationTime and StartTime: 2017-12-10T04:04Z."""
    return moment.strftime(CREATION_TIME_FORMAT)


@dataclass
class Settings:
    """Lifecycle and authentication settings.

    A transitional status ends after transition_describes describe calls completed in its
    region since the transition began, or after transition_seconds, whichever comes first.
    None turns a criterion off, and with both None, transitions never end.
    """

    transition_describes: int | None = 1
    transition_seconds: float | None = 5.0
    timestamp_window_seconds: float = 900.0

    def update(self, values: dict) -> None:
        """Change the named settings, or raise ValueError for an unknown name or a bad value."""
        known = {f.name for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}; known settings: {sorted(known)}")
            if value is not None and (not isinstance(value, (int, float)) or value < 0):
                raise ValueError(f"setting {name} must be a number >= 0, got {value!r}")
            if value is None and name == "timestamp_window_seconds":
                raise ValueError("setting timestamp_window_seconds cannot be None")
        for name, value in values.items():
            setattr(self, name, value)

    def to_dict(self) -> dict:
        return asdict(self)


class Instance:
    """One ECS instance and its agent."""

    __slots__ = ("instance_id", "region_id", "zone_id", "name", "status", "os_type", "os_name",
                 "agent", "creation_time", "start_time", "tags", "heartbeat",
                 "transition_mark", "transition_started")

    def __init__(self, instance_id, region_id, zone_id, name, status, os_type, os_name, agent,
                 creation_time, start_time, tags):
        self.instance_id = instance_id
        self.region_id = region_id
        self.zone_id = zone_id
        self.name = name
        self.status = status
        self.os_type = os_type
        self.os_name = os_name
        self.agent = agent
        self.creation_time = creation_time
        self.start_time = start_time
        self.tags: dict[str, str] = tags
        self.heartbeat = ""
        self.transition_mark = 0
        self.transition_started = 0.0

    def agent_report(self) -> tuple[str, str, str]:
        """Return CloudAssistantStatus, CloudAssistantVersion and LastHeartbeatTime.

        Only an online agent on a running (or rebooting) instance reports "true". An
        installed agent that has not been started by a reboot reports "false" and no version.
        """
        if self.agent != "online":
            return "false", "", ""
        if self.status in ("Running", "Starting", "Stopping"):
            self.heartbeat = utc_now().strftime(HEARTBEAT_FORMAT)
            return "true", AGENT_VERSION, self.heartbeat
        return "false", AGENT_VERSION, self.heartbeat


class Region:
    """The instances of one region, in launch order, and the region's describe counter."""

    __slots__ = ("region_id", "instances", "describes", "in_transition", "status_counts")

    def __init__(self, region_id: str):
        self.region_id = region_id
        self.instances: list[Instance] = []
        self.describes = 0
        # Transitions in start order, so both their describe marks and start times only grow.
        self.in_transition: collections.deque[Instance] = collections.deque()
        self.status_counts: collections.Counter[str] = collections.Counter()


class FleetState:
    """Every region and instance of the emulated account."""

    def __init__(self):
        self.lock = threading.RLock()
        self.settings = Settings()
        self.extra_regions: list[str] = []
        self.regions: dict[str, Region] = {}
        self.by_id: dict[str, Instance] = {}
        self._random = random.Random()
        self._clear([])

    def _clear(self, extra_regions: list[str]) -> None:
        self.extra_regions = list(extra_regions)
        self.regions = {rid: Region(rid) for rid in (*regions.REAL_REGION_IDS, *extra_regions)}
        self.by_id = {}

    # Regions

    def region(self, region_id: str) -> Region:
        """Return a known region after advancing its transitions, or raise a 404 error."""
        region = self.regions.get(region_id)
        if region is None:
            raise errors.InvalidRegionIdNotFound(
                f"The RegionId {region_id!r} is not found. Call DescribeRegions for the "
                f"list of region IDs.")
        self.advance(region)
        return region

    def add_region(self, region_id: str) -> Region:
        if region_id not in self.regions:
            self.regions[region_id] = Region(region_id)
            self.extra_regions.append(region_id)
        return self.regions[region_id]

    # Lifecycle

    def add_instance(self, instance: Instance) -> None:
        region = self.add_region(instance.region_id)
        region.instances.append(instance)
        region.status_counts[instance.status] += 1
        self.by_id[instance.instance_id] = instance
        if instance.status in NEXT_STATUS:
            self._begin_transition(region, instance)

    def set_status(self, region: Region, instance: Instance, status: str) -> None:
        """Move an instance to a status. A transitional status starts a transition."""
        region.status_counts[instance.status] -= 1
        region.status_counts[status] += 1
        instance.status = status
        if status in NEXT_STATUS:
            self._begin_transition(region, instance)

    def _begin_transition(self, region: Region, instance: Instance) -> None:
        instance.transition_mark = region.describes
        instance.transition_started = time.monotonic()
        region.in_transition.append(instance)

    def _transition_done(self, region: Region, instance: Instance, now: float) -> bool:
        describes = self.settings.transition_describes
        seconds = self.settings.transition_seconds
        if describes is not None and region.describes - instance.transition_mark >= describes:
            return True
        return seconds is not None and now - instance.transition_started >= seconds

    def advance(self, region: Region) -> None:
        """End every transition of the region that is due, oldest first."""
        now = time.monotonic()
        queue = region.in_transition
        while queue and self._transition_done(region, queue[0], now):
            instance = queue.popleft()
            self._finish_transition(region, instance)

    def advance_all(self) -> None:
        for region in self.regions.values():
            self.advance(region)

    def _finish_transition(self, region: Region, instance: Instance) -> None:
        next_status = NEXT_STATUS.get(instance.status)
        if next_status is None:
            return

        if next_status == "Running":
            instance.start_time = minutes_text(utc_now())
            # The agent installed before this start runs from now on.
            if instance.agent == "installed":
                instance.agent = "online"
                instance.heartbeat = utc_now().strftime(HEARTBEAT_FORMAT)
        self.set_status(region, instance, next_status)

    def note_describe(self, region: Region) -> None:
        """Count one completed describe call in the region."""
        region.describes += 1

    # Lookup

    def find(self, region: Region | None, instance_ids: list[str],
             not_found: type[errors.ApiError] = errors.InvalidInstanceNotFound) -> list[Instance]:
        """Return the named instances, or raise not_found naming every unknown ID.

        With a region, an instance of another region counts as unknown. Without one, the ID
        is looked up in every region and that instance's region is advanced.
        """
        found, unknown = [], []
        for instance_id in instance_ids:
            instance = self.by_id.get(instance_id)
            if instance is None or (region is not None and instance.region_id != region.region_id):
                unknown.append(instance_id)
            else:
                found.append(instance)

        if unknown:
            where = f" in region {region.region_id}" if region is not None else ""
            raise not_found(f"The specified instances do not exist{where}: {', '.join(unknown)}.")

        if region is None:
            for instance in found:
                self.advance(self.regions[instance.region_id])
        return found

    def new_instance_id(self) -> str:
        while True:
            suffix = "".join(self._random.choice(_ID_ALPHABET) for _ in range(20))
            instance_id = f"i-{suffix}"
            if instance_id not in self.by_id:
                return instance_id

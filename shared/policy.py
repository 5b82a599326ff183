"""Decisions for an instance whose agent is offline: the reboot policy and the marker rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared import markers
from shared.config import Config

INSTALL = "install"
REBOOT_ONLY = "reboot_only"
AWAIT_REBOOT = "await_reboot"
AWAIT_HEARTBEAT = "await_heartbeat"


def _everything_in_scope(_tags: Mapping[str, str]) -> bool:
    return True


@dataclass(frozen=True)
class Policy:
    """Settings of one invocation's install work, built from the configuration."""

    reboot: str = "new-instances"
    new_instance_window: timedelta = timedelta(minutes=60)
    marker_key: str = "cloud-assistant-autoinstall"
    marker_grace: timedelta = timedelta(minutes=30)
    install_batch_size: int = 50
    dry_run: bool = False
    verify_online: bool = False
    in_scope: Callable[[Mapping[str, str]], bool] = field(default=_everything_in_scope, repr=False)
    invocation_id: str = "local"
    # Seconds between writing a reboot claim and reading it back; see shared/reboot.py.
    claim_settle_seconds: float = 0.5
    # A claim older than this belongs to an invocation that ended before marking its
    # reboot: the template's longest function timeout is 10 minutes, and an agent
    # rebooted by the claimer reports online within about 2 minutes.
    claim_timeout: timedelta = timedelta(minutes=15)
    verify_interval_seconds: float = 5.0

    @classmethod
    def from_config(cls, config: Config, invocation_id: str, dry_run: bool | None = None) -> Policy:
        return cls(
            reboot=config.reboot_policy,
            new_instance_window=timedelta(minutes=config.new_instance_window_minutes),
            marker_key=config.marker_tag_key,
            marker_grace=timedelta(minutes=config.marker_grace_minutes),
            install_batch_size=config.install_batch_size,
            dry_run=config.dry_run if dry_run is None else (config.dry_run or dry_run),
            verify_online=config.verify_online,
            in_scope=config.in_scope,
            invocation_id=invocation_id,
        )

    def wants_reboot(self, creation_time: datetime, now: datetime) -> bool:
        """Return whether the policy reboots an instance created at `creation_time` right after the install."""
        if self.reboot == "always":
            return True
        if self.reboot == "never":
            return False
        return now - creation_time <= self.new_instance_window


@dataclass(frozen=True)
class Decision:
    """The action for an instance whose agent is offline, and why.

    `retryable` marks a wait that a later attempt may end, such as another
    invocation's claim that is still fresh.
    """

    action: str
    reason: str
    reinstall: bool = False
    retryable: bool = False


def decide(
    policy: Policy,
    marker: markers.Marker | None,
    creation_time: datetime,
    start_time: datetime | None,
    now: datetime,
) -> Decision:
    """Choose the action for an instance whose agent is offline, from its marker and the policy."""
    grace_minutes = int(policy.marker_grace.total_seconds() // 60)

    if marker is None or marker.state == markers.RELEASED:
        return Decision(INSTALL, "agent not installed")

    if marker.state == markers.INSTALLED:
        restarted_since = start_time is not None and start_time > marker.time
        if restarted_since and now - start_time > policy.marker_grace:
            return Decision(
                INSTALL,
                f"instance restarted after the install at {markers.format_time(marker.time)} "
                f"and the agent is still offline after {grace_minutes} minutes; installing again",
                reinstall=True,
            )
        if policy.wants_reboot(creation_time, now):
            return Decision(REBOOT_ONLY, f"installed at {markers.format_time(marker.time)}; reboot pending")
        return Decision(
            AWAIT_REBOOT,
            f"installed at {markers.format_time(marker.time)}; the agent starts after the owner "
            f"reboots the instance (REBOOT_POLICY={policy.reboot})",
        )

    age = now - marker.time
    if marker.state == markers.REBOOTING and age < policy.claim_timeout:
        # The claimer may still be working, or may have ended before its reboot, so a retry checks again.
        reason = f"install and reboot claimed by invocation {marker.owner} at {markers.format_time(marker.time)}"
        return Decision(AWAIT_HEARTBEAT, reason, retryable=True)
    if marker.state == markers.REBOOTED and age < policy.marker_grace:
        reason = f"rebooted at {markers.format_time(marker.time)}; waiting for the agent's first heartbeat"
        return Decision(AWAIT_HEARTBEAT, reason)
    if marker.state == markers.REBOOTING:
        claim_minutes = int(policy.claim_timeout.total_seconds() // 60)
        return Decision(
            INSTALL,
            f"the claim of invocation {marker.owner} at {markers.format_time(marker.time)} is over "
            f"{claim_minutes} minutes old and the agent is offline; installing again",
            reinstall=True,
        )

    return Decision(
        INSTALL,
        f"agent still offline {grace_minutes} minutes after the {marker.state} marker of "
        f"{markers.format_time(marker.time)}; installing again",
        reinstall=True,
    )

"""The units of install and reboot work passed between the installer, the sweep and the reboot step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.ecs import Instance

if TYPE_CHECKING:
    from shared.run import Run

UNKNOWN_INSTALL_NOTE = "; the install call's outcome was unknown and was not repeated"


@dataclass(frozen=True)
class InstallItem:
    """An instance whose agent is to be installed, why, and whether the policy reboots it afterwards."""

    instance: Instance
    reason: str
    reboot_wanted: bool


@dataclass(frozen=True)
class RebootItem:
    """An instance to claim and reboot.

    `installed_now` is set when this invocation installed its agent. `install` is
    set when the install is still to come: it runs after the claim, so that two
    invocations handling the same new instance do not both install.
    """

    instance: Instance
    installed_now: bool
    install_request_id: str | None
    install: InstallItem | None = None

    @property
    def instance_id(self) -> str:
        return self.instance.instance_id

    @property
    def install_note(self) -> str:
        """Return UNKNOWN_INSTALL_NOTE when this invocation's install may not have happened, else ""."""
        return UNKNOWN_INSTALL_NOTE if self.installed_now and self.install_request_id is None else ""


@dataclass
class Plan:
    """Instances of one region that still need an install or a reboot."""

    to_install: list[InstallItem] = field(default_factory=list)
    to_reboot: list[RebootItem] = field(default_factory=list)

    def instance_ids(self) -> list[str]:
        return [item.instance.instance_id for item in self.to_install] + [item.instance_id for item in self.to_reboot]


# Installs one batch and returns the installed items with their RequestId (None when the
# outcome is unknown); every other item gets its outcome. IDs that may be installed but
# could not be read back are added to the set.
InstallBatch = Callable[["Run", str, "list[InstallItem]", "set[str]"], "list[tuple[InstallItem, str | None]]"]

"""Reboot policy and marker decisions for instances whose agent is offline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shared import markers
from shared.policy import AWAIT_HEARTBEAT, AWAIT_REBOOT, INSTALL, REBOOT_ONLY, Policy, decide

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
OLD = NOW - timedelta(days=30)
NEW = NOW - timedelta(minutes=5)


def test_wants_reboot_by_policy():
    assert Policy(reboot="always").wants_reboot(OLD, NOW)
    assert not Policy(reboot="never").wants_reboot(NEW, NOW)
    assert Policy(reboot="new-instances").wants_reboot(NEW, NOW)
    assert not Policy(reboot="new-instances").wants_reboot(OLD, NOW)


def test_no_marker_installs():
    assert decide(Policy(), None, OLD, None, NOW).action == INSTALL


def test_installed_marker_awaits_owner_reboot():
    marker = markers.Marker(markers.INSTALLED, NOW - timedelta(hours=2))

    assert decide(Policy(), marker, OLD, None, NOW).action == AWAIT_REBOOT


def test_installed_marker_reboots_new_instance():
    marker = markers.Marker(markers.INSTALLED, NOW - timedelta(minutes=1))

    assert decide(Policy(), marker, NEW, None, NOW).action == REBOOT_ONLY


def test_installed_marker_restart_reinstalls_after_grace():
    marker = markers.Marker(markers.INSTALLED, NOW - timedelta(hours=3))
    restarted = NOW - timedelta(hours=2)

    decision = decide(Policy(), marker, OLD, restarted, NOW)

    assert decision.action == INSTALL
    assert decision.reinstall


def test_rebooted_marker_within_grace_awaits_heartbeat():
    marker = markers.Marker(markers.REBOOTED, NOW - timedelta(minutes=10))

    assert decide(Policy(), marker, NEW, None, NOW).action == AWAIT_HEARTBEAT


def test_rebooted_marker_after_grace_reinstalls():
    marker = markers.Marker(markers.REBOOTED, NOW - timedelta(minutes=31))

    decision = decide(Policy(), marker, NEW, None, NOW)

    assert decision.action == INSTALL
    assert decision.reinstall


def test_claim_within_grace_awaits_heartbeat():
    marker = markers.Marker(markers.REBOOTING, NOW - timedelta(minutes=1), owner="req-1")

    decision = decide(Policy(), marker, NEW, None, NOW)

    assert decision.action == AWAIT_HEARTBEAT
    assert "req-1" in decision.reason


def test_marker_round_trip():
    assert markers.parse_marker(markers.installed_value(NOW)) == markers.Marker(markers.INSTALLED, NOW)
    assert markers.parse_marker(markers.rebooted_value(NOW)) == markers.Marker(markers.REBOOTED, NOW)
    claim = markers.claim_value("0f3c-aa@weird id", NOW)
    assert markers.parse_marker(claim) == markers.Marker(markers.REBOOTING, NOW, owner="0f3c-aaweirdid")


def test_marker_garbage_ignored():
    for value in ["", "installed", "installed:yesterday", "rebooting:@2026-12-04T12:00:00Z", "other:1"]:
        assert markers.parse_marker(value) is None, value


def test_claim_fits_tag_value_limit():
    claim = markers.claim_value("x" * 500, NOW)

    assert len(claim) <= markers.MAX_TAG_VALUE_LENGTH


def test_fresh_claim_wait_is_retryable():
    marker = markers.Marker(markers.REBOOTING, NOW - timedelta(minutes=2), owner="req-1")

    decision = decide(Policy(), marker, NEW, None, NOW)

    assert decision.action == AWAIT_HEARTBEAT
    assert decision.retryable


def test_stale_claim_installs_again():
    marker = markers.Marker(markers.REBOOTING, NOW - timedelta(minutes=16), owner="req-1")

    decision = decide(Policy(), marker, NEW, None, NOW)

    assert decision.action == INSTALL
    assert decision.reinstall


def test_released_marker_installs():
    marker = markers.Marker(markers.RELEASED, NOW - timedelta(minutes=1))

    assert decide(Policy(), marker, NEW, None, NOW).action == INSTALL

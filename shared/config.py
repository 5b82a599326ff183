"""Configuration read from environment variables, in this one place.

Every setting is declared in `SETTINGS` with its default and meaning. `template.yml`
declares the same names as the functions' environment variables, and the README
lists them; a test keeps the three in step. No name starts with `FC_`, because
Function Compute reserves that prefix.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Used with fullmatch, because "$" also matches before a trailing newline.
REGION_PATTERN = re.compile(r"[a-z]{2,}(-[a-z0-9]+){1,3}")
REBOOT_POLICIES = ("never", "new-instances", "always")
ENDPOINT_TYPES = ("public", "vpc")
SIGNATURE_VERSIONS = ("v3", "v1")
HTTP_AUTH_MODES = ("fc-signature", "token", "none")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off", "")


@dataclass(frozen=True)
class Setting:
    """One environment variable: its default (as text) and what it sets."""

    name: str
    default: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting("SWEEP_REGIONS", "", "Comma-separated regions the timer sweeps, or `all` "
            "(from DescribeRegions). Empty means the function's own region."),
    Setting("ALLOWED_REGIONS", "", "Comma-separated regions the functions may act in. "
            "Empty allows any well-formed region ID."),
    Setting("REBOOT_POLICY", "new-instances", "When to reboot after an install: `never`, "
            "`new-instances` (created within NEW_INSTANCE_WINDOW_MINUTES) or `always`."),
    Setting("NEW_INSTANCE_WINDOW_MINUTES", "60", "Age in minutes under which an instance "
            "counts as new for the `new-instances` reboot policy."),
    Setting("TAG_INCLUDE", "", "Comma-separated `key` or `key=value` tags; when set, only "
            "instances with at least one of them are in scope."),
    Setting("TAG_EXCLUDE", "", "Comma-separated `key` or `key=value` tags; instances with "
            "any of them are out of scope."),
    Setting("DRY_RUN", "false", "`true` reports what would be done and makes no call that "
            "changes anything."),
    Setting("VERIFY_ONLINE", "false", "`true` polls the agent status after a reboot until "
            "it is online or the deadline nears."),
    Setting("MARKER_TAG_KEY", "cloud-assistant-autoinstall", "Tag key that records an "
            "install or reboot on the instance. Empty turns markers off."),
    Setting("MARKER_GRACE_MINUTES", "30", "Minutes after our reboot during which an "
            "offline agent is awaited, not installed again."),
    Setting("INSTALL_BATCH_SIZE", "50", "Instance IDs per InstallCloudAssistant call, 1 to 50."),
    Setting("ECS_ENDPOINT", "", "Full URL of the ECS API, overriding the regional endpoint. "
            "Plain http is allowed only for loopback addresses."),
    Setting("ECS_ENDPOINT_TYPE", "public", "`public` (ecs.<region>.aliyuncs.com) or `vpc` "
            "(ecs-vpc.<region>.aliyuncs.com)."),
    Setting("ECS_SIGNATURE_VERSION", "v3", "`v3` (ACS3-HMAC-SHA256) or `v1` (HMAC-SHA1)."),
    Setting("ECS_CONNECT_TIMEOUT_SECONDS", "5", "TCP connect timeout of one ECS call, in seconds."),
    Setting("ECS_READ_TIMEOUT_SECONDS", "10", "Read timeout of one ECS call, in seconds."),
    Setting("ECS_MAX_ATTEMPTS", "5", "Attempts per ECS call, the first included, for "
            "retryable failures."),
    Setting("DEADLINE_MARGIN_SECONDS", "10", "Seconds before the function timeout at which "
            "no new work starts; the rest is reported as `deferred`."),
    Setting("MAX_CONCURRENCY", "4", "Worker threads for a sweep across regions and batches."),
    Setting("LOG_LEVEL", "INFO", "Minimum log level: DEBUG, INFO, WARNING or ERROR."),
    Setting("HTTP_AUTH_MODE", "fc-signature", "HTTP API authentication: `fc-signature` "
            "(FC checks the request signature), `token` (X-Api-Token header) or `none` "
            "(status queries only)."),
    Setting("HTTP_API_TOKEN", "", "Shared secret for HTTP_AUTH_MODE=token, at least 16 characters."),
    Setting("HTTP_MAX_BODY_BYTES", "65536", "Largest HTTP request body accepted, in bytes."),
)

SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)
_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


class ConfigError(ValueError):
    """An environment variable has a value that is not allowed."""


@dataclass(frozen=True)
class TagFilter:
    """A `key` or `key=value` condition on instance tags. `value` None matches any value."""

    key: str
    value: str | None = None

    def matches(self, tags: Mapping[str, str]) -> bool:
        if self.key not in tags:
            return False
        return self.value is None or tags[self.key] == self.value


@dataclass(frozen=True)
class Config:
    """Typed settings of one process, built by `load_config`."""

    sweep_regions: tuple[str, ...] = ()
    sweep_all_regions: bool = False
    allowed_regions: frozenset[str] = frozenset()
    reboot_policy: str = "new-instances"
    new_instance_window_minutes: int = 60
    tag_include: tuple[TagFilter, ...] = ()
    tag_exclude: tuple[TagFilter, ...] = ()
    dry_run: bool = False
    verify_online: bool = False
    marker_tag_key: str = "cloud-assistant-autoinstall"
    marker_grace_minutes: int = 30
    install_batch_size: int = 50
    ecs_endpoint: str = ""
    ecs_endpoint_type: str = "public"
    ecs_signature_version: str = "v3"
    ecs_connect_timeout_seconds: float = 5.0
    ecs_read_timeout_seconds: float = 10.0
    ecs_max_attempts: int = 5
    deadline_margin_seconds: float = 10.0
    max_concurrency: int = 4
    log_level: str = "INFO"
    http_auth_mode: str = "fc-signature"
    http_api_token: str = field(default="", repr=False)
    http_max_body_bytes: int = 65536

    def region_allowed(self, region: str) -> bool:
        return not self.allowed_regions or region in self.allowed_regions

    def in_scope(self, tags: Mapping[str, str]) -> bool:
        """Return whether an instance with these tags is inside the configured tag scope."""
        if any(condition.matches(tags) for condition in self.tag_exclude):
            return False
        if not self.tag_include:
            return True
        return any(condition.matches(tags) for condition in self.tag_include)


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the configuration from the environment, raising ConfigError on a bad value.

    The error names the variable, the value (except for secrets) and what is allowed.
    """
    source = os.environ if environ is None else environ

    def text(name: str) -> str:
        return source.get(name, _DEFAULTS[name]).strip()

    sweep_text = text("SWEEP_REGIONS")
    sweep_all = sweep_text.lower() == "all"
    sweep_regions = () if sweep_all else _parse_regions("SWEEP_REGIONS", sweep_text)
    allowed_regions = frozenset(_parse_regions("ALLOWED_REGIONS", text("ALLOWED_REGIONS")))
    outside = [region for region in sweep_regions if allowed_regions and region not in allowed_regions]
    if outside:
        raise ConfigError(
            f"SWEEP_REGIONS names {','.join(outside)}, which ALLOWED_REGIONS does not allow; "
            "add them to ALLOWED_REGIONS or remove them from SWEEP_REGIONS"
        )

    token = text("HTTP_API_TOKEN")
    auth_mode = _choice("HTTP_AUTH_MODE", text("HTTP_AUTH_MODE").lower(), HTTP_AUTH_MODES)
    if auth_mode == "token" and len(token) < 16:
        raise ConfigError(
            "HTTP_AUTH_MODE=token needs HTTP_API_TOKEN set to a secret of at least 16 characters"
        )

    marker_key = text("MARKER_TAG_KEY")
    if marker_key:
        _check_tag_key("MARKER_TAG_KEY", marker_key)

    return Config(
        sweep_regions=sweep_regions,
        sweep_all_regions=sweep_all,
        allowed_regions=allowed_regions,
        reboot_policy=_choice("REBOOT_POLICY", text("REBOOT_POLICY").lower(), REBOOT_POLICIES),
        new_instance_window_minutes=_integer(
            "NEW_INSTANCE_WINDOW_MINUTES", text("NEW_INSTANCE_WINDOW_MINUTES"), 0, 525600
        ),
        tag_include=_parse_tag_filters("TAG_INCLUDE", text("TAG_INCLUDE")),
        tag_exclude=_parse_tag_filters("TAG_EXCLUDE", text("TAG_EXCLUDE")),
        dry_run=_boolean("DRY_RUN", text("DRY_RUN")),
        verify_online=_boolean("VERIFY_ONLINE", text("VERIFY_ONLINE")),
        marker_tag_key=marker_key,
        marker_grace_minutes=_integer("MARKER_GRACE_MINUTES", text("MARKER_GRACE_MINUTES"), 1, 10080),
        install_batch_size=_integer("INSTALL_BATCH_SIZE", text("INSTALL_BATCH_SIZE"), 1, 50),
        ecs_endpoint=_endpoint("ECS_ENDPOINT", text("ECS_ENDPOINT")),
        ecs_endpoint_type=_choice("ECS_ENDPOINT_TYPE", text("ECS_ENDPOINT_TYPE").lower(), ENDPOINT_TYPES),
        ecs_signature_version=_choice(
            "ECS_SIGNATURE_VERSION", text("ECS_SIGNATURE_VERSION").lower(), SIGNATURE_VERSIONS
        ),
        ecs_connect_timeout_seconds=_number(
            "ECS_CONNECT_TIMEOUT_SECONDS", text("ECS_CONNECT_TIMEOUT_SECONDS"), 0.1, 60
        ),
        ecs_read_timeout_seconds=_number("ECS_READ_TIMEOUT_SECONDS", text("ECS_READ_TIMEOUT_SECONDS"), 0.1, 300),
        ecs_max_attempts=_integer("ECS_MAX_ATTEMPTS", text("ECS_MAX_ATTEMPTS"), 1, 20),
        deadline_margin_seconds=_number("DEADLINE_MARGIN_SECONDS", text("DEADLINE_MARGIN_SECONDS"), 0, 600),
        max_concurrency=_integer("MAX_CONCURRENCY", text("MAX_CONCURRENCY"), 1, 64),
        log_level=_choice("LOG_LEVEL", text("LOG_LEVEL").upper(), LOG_LEVELS),
        http_auth_mode=auth_mode,
        http_api_token=token,
        http_max_body_bytes=_integer("HTTP_MAX_BODY_BYTES", text("HTTP_MAX_BODY_BYTES"), 1024, 32 * 1024 * 1024),
    )


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(f"{name}={value!r} is invalid; allowed values: {', '.join(allowed)}")
    return value


def _boolean(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={value!r} is invalid; use true or false")


def _integer(name: str, value: str, minimum: int, maximum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is invalid; expected a whole number") from None
    if not minimum <= number <= maximum:
        raise ConfigError(f"{name}={number} is out of range; allowed: {minimum} to {maximum}")
    return number


def _number(name: str, value: str, minimum: float, maximum: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is invalid; expected a number") from None
    if not minimum <= number <= maximum:
        raise ConfigError(f"{name}={number} is out of range; allowed: {minimum} to {maximum}")
    return number


def _parse_regions(name: str, value: str) -> tuple[str, ...]:
    regions: list[str] = []
    for item in value.split(","):
        region = item.strip()
        if not region:
            continue
        if not REGION_PATTERN.fullmatch(region):
            raise ConfigError(
                f"{name} contains {region!r}, which is not a region ID such as cn-hangzhou"
            )
        if region not in regions:
            regions.append(region)
    return tuple(regions)


def _check_tag_key(name: str, key: str) -> None:
    if len(key) > 128 or key.startswith(("aliyun", "acs:")) or any(c in key for c in ",="):
        raise ConfigError(
            f"{name} contains the tag key {key!r}, which is invalid; a tag key has at most "
            "128 characters, must not start with 'aliyun' or 'acs:' and must not contain ',' or '='"
        )


def _parse_tag_filters(name: str, value: str) -> tuple[TagFilter, ...]:
    filters: list[TagFilter] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key, separator, tag_value = item.partition("=")
        key = key.strip()
        if not key:
            raise ConfigError(f"{name} contains {item!r} with an empty key; use key or key=value")
        filters.append(TagFilter(key, tag_value.strip() if separator else None))
    return tuple(filters)


def _endpoint(name: str, value: str) -> str:
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"{name}={value!r} is invalid; give a full URL such as https://ecs.cn-hangzhou.aliyuncs.com"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"{name}={value!r} uses plain http, which is allowed only for loopback addresses; use https"
        )
    return value.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

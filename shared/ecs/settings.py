"""Settings of the ECS client: endpoint, signature version, timeouts and retries."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from shared.config import ENDPOINT_TYPES, REGION_PATTERN, SIGNATURE_VERSIONS, ConfigError

# The central endpoint, which is not tied to one region. DescribeRegions uses it
# when no region is given.
CENTRAL_ENDPOINT = "https://ecs.aliyuncs.com"


@dataclass(frozen=True)
class ClientSettings:
    """Endpoint, signing and retry settings. Timeouts and backoff are in seconds."""

    endpoint: str = ""
    endpoint_type: str = "public"
    signature_version: str = "v3"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_attempts: int = 5
    backoff_base: float = 0.2
    backoff_cap: float = 5.0

    def __post_init__(self) -> None:
        if self.endpoint:
            object.__setattr__(self, "endpoint", _normalize_endpoint(self.endpoint))
        if self.endpoint_type not in ENDPOINT_TYPES:
            raise ConfigError(
                f"endpoint_type={self.endpoint_type!r} is invalid; allowed values: "
                f"{', '.join(ENDPOINT_TYPES)}"
            )
        if self.signature_version not in SIGNATURE_VERSIONS:
            raise ConfigError(
                f"signature_version={self.signature_version!r} is invalid; allowed values: "
                f"{', '.join(SIGNATURE_VERSIONS)}"
            )
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ConfigError(
                f"timeouts must be positive, got connect_timeout={self.connect_timeout} "
                f"and read_timeout={self.read_timeout}"
            )
        if self.max_attempts < 1:
            raise ConfigError(f"max_attempts={self.max_attempts} is invalid; use 1 or more")
        if self.backoff_base < 0 or self.backoff_cap < self.backoff_base:
            raise ConfigError(
                f"backoff_base={self.backoff_base} and backoff_cap={self.backoff_cap} are "
                "invalid; use 0 <= backoff_base <= backoff_cap"
            )

    @classmethod
    def from_config(cls, config: object) -> ClientSettings:
        """Build settings from a `shared.config.Config`, keeping the default backoff."""
        return cls(
            endpoint=config.ecs_endpoint,
            endpoint_type=config.ecs_endpoint_type,
            signature_version=config.ecs_signature_version,
            connect_timeout=config.ecs_connect_timeout_seconds,
            read_timeout=config.ecs_read_timeout_seconds,
            max_attempts=config.ecs_max_attempts,
        )

    def endpoint_for(self, region: str | None) -> str:
        """Return the base URL for calls in `region`, or for region-less calls when None.

        `endpoint` overrides every region. The VPC endpoint manages only its own
        region, so a region-less call over it raises ValueError.
        """
        if self.endpoint:
            return self.endpoint

        if region is None:
            if self.endpoint_type == "vpc":
                raise ValueError(
                    "ECS_ENDPOINT_TYPE=vpc has no region-less endpoint; pass a region, "
                    "such as the function's own region"
                )
            return CENTRAL_ENDPOINT

        check_region(region)
        host_prefix = "ecs-vpc" if self.endpoint_type == "vpc" else "ecs"
        return f"https://{host_prefix}.{region}.aliyuncs.com"


def check_region(region: object) -> None:
    """Raise ValueError unless `region` is a well-formed region ID, such as cn-hangzhou."""
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise ValueError(f"region {region!r} is invalid; expected a region ID such as cn-hangzhou")


def _normalize_endpoint(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(
            f"endpoint {value!r} is invalid; give a full URL such as https://ecs.cn-hangzhou.aliyuncs.com"
        )
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"endpoint {value!r} is invalid; give only the scheme, host and port, without a path"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"endpoint {value!r} uses plain http, which is allowed only for loopback "
            "addresses; use https"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

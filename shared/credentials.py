"""Access keys for ECS calls, read at every invocation.

STS keys from the function's service role expire, so a caller resolves them again
for each invocation and never keeps them past it. The sources, in order:

1. The FC2 context's `credentials` (`access_key_id`, `access_key_secret`,
   `security_token`), which FC fills from the service role.
2. `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
   `ALIBABA_CLOUD_SECURITY_TOKEN`, set by FC3 and read by most Alibaba Cloud tools.
3. `FC_ACCESS_KEY_ID`, `FC_ACCESS_KEY_SECRET` and `FC_SECURITY_TOKEN`, set by local
   FC runtimes such as fc-docker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import ConfigError

ENVIRONMENT_SOURCES = (
    (
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ),
    ("FC_ACCESS_KEY_ID", "FC_ACCESS_KEY_SECRET", "FC_SECURITY_TOKEN"),
)


class CredentialsMissingError(ConfigError):
    """No complete access key pair was found in the FC context or the environment."""


@dataclass(frozen=True)
class Credentials:
    """An access key pair with an optional STS security token.

    An empty token is stored as None, so that it is never sent. The repr masks the
    secret and the token.
    """

    access_key_id: str
    access_key_secret: str
    security_token: str | None = None

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.access_key_secret:
            raise ValueError("Credentials need a non-empty access key ID and access key secret")
        if not self.security_token:
            object.__setattr__(self, "security_token", None)

    def __repr__(self) -> str:
        token = "None" if self.security_token is None else "'***'"
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, "
            f"access_key_secret='***', security_token={token})"
        )


def resolve_credentials(
    context: object = None, environ: Mapping[str, str] | None = None
) -> Credentials:
    """Read the credentials of this invocation, raising CredentialsMissingError if none are set.

    A source counts only when it has both the key ID and the secret. The token is
    taken from the same source as the pair.
    """
    from_context = _from_context(getattr(context, "credentials", None))
    if from_context is not None:
        return from_context

    source = os.environ if environ is None else environ
    half_set: list[str] = []
    for id_name, secret_name, token_name in ENVIRONMENT_SOURCES:
        key_id = source.get(id_name, "").strip()
        secret = source.get(secret_name, "").strip()
        if key_id and secret:
            return Credentials(key_id, secret, source.get(token_name, "").strip() or None)
        if key_id or secret:
            half_set.append(
                f"{id_name if key_id else secret_name} is set but "
                f"{secret_name if key_id else id_name} is empty"
            )

    message = (
        "No ECS credentials found: the FC context has none, and neither "
        "ALIBABA_CLOUD_ACCESS_KEY_ID with ALIBABA_CLOUD_ACCESS_KEY_SECRET nor "
        "FC_ACCESS_KEY_ID with FC_ACCESS_KEY_SECRET is set. Give the FC service a role, "
        "or set one pair (with ALIBABA_CLOUD_SECURITY_TOKEN or FC_SECURITY_TOKEN for STS keys)"
    )
    if half_set:
        message += ". Found: " + "; ".join(half_set)
    raise CredentialsMissingError(message)


def _from_context(credentials: object) -> Credentials | None:
    """Build credentials from an FC context's `credentials`, an object or a mapping."""
    if credentials is None:
        return None

    def read(name: str) -> str:
        if isinstance(credentials, Mapping):
            value = credentials.get(name)
        else:
            value = getattr(credentials, name, None)
        return value.strip() if isinstance(value, str) else ""

    key_id = read("access_key_id")
    secret = read("access_key_secret")
    if not key_id or not secret:
        return None
    return Credentials(key_id, secret, read("security_token") or None)

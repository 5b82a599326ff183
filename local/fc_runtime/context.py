"""The `context` object that FC 2.0 passes to Python handlers and initializers.

Attribute names follow the FC 2.0 Python context (runtimes python3, python3.9 and
python3.10): https://www.alibabacloud.com/help/doc-detail/422182.htm
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from local.ros_template import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

DEFAULT_QUALIFIER = "LATEST"


@dataclass
class Credentials:
    """STS credentials of the service role. The repr hides the secret and the token."""

    access_key_id: str = ""
    access_key_secret: str = field(default="", repr=False)
    security_token: str = field(default="", repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET/ALIBABA_CLOUD_SECURITY_TOKEN.

        When ALIBABA_CLOUD_ACCESS_KEY_ID is unset or empty, fall back to
        FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET and FC_SECURITY_TOKEN, the names that
        the fc-docker and Funcraft local runners pass in.
        """
        environ = os.environ if environ is None else environ
        if environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"):
            return cls(
                environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
                environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
                environ.get("ALIBABA_CLOUD_SECURITY_TOKEN", ""),
            )
        return cls(
            environ.get("FC_ACCESS_KEY_ID", ""),
            environ.get("FC_ACCESS_KEY_SECRET", ""),
            environ.get("FC_SECURITY_TOKEN", ""),
        )

    def __repr__(self) -> str:
        secret = "<hidden>" if self.access_key_secret else "''"
        token = "<hidden>" if self.security_token else "''"
        return (f"Credentials(access_key_id={self.access_key_id!r}, "
                f"access_key_secret={secret}, security_token={token})")


@dataclass
class FunctionMeta:
    """`context.function`: the invoked function's settings. `timeout` is in seconds."""

    name: str
    handler: str = "index.handler"
    memory: int = 128
    timeout: float = 3
    initializer: str | None = None


@dataclass
class ServiceMeta:
    """`context.service`: the service, its Simple Log Service target and the qualifier."""

    name: str = ""
    log_project: str = ""
    log_store: str = ""
    qualifier: str = DEFAULT_QUALIFIER
    version_id: str = ""


@dataclass
class Tracing:
    """`context.tracing`: Tracing Analysis values, empty when tracing is off (always, locally)."""

    span_context: str = ""
    jaeger_endpoint: str = ""
    span_baggages: dict[str, str] = field(default_factory=dict)


@dataclass
class FcContext:
    """Context of one invocation, or of the initializer call."""

    request_id: str
    credentials: Credentials
    function: FunctionMeta
    service: ServiceMeta
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    tracing: Tracing = field(default_factory=Tracing)

"""Local Function Compute 2.0 runtime (python3.10) for this repository's handlers.

`FcInstance` is one warm FC instance: `invoke` for event handlers, `http` for WSGI
HTTP handlers. `python -m local.invoke` and `python -m local.serve` are its commands.
See README.md in this folder for what differs from the real service.
"""

from local.fc_runtime.context import (
    Credentials,
    FcContext,
    FunctionMeta,
    ServiceMeta,
    Tracing,
)
from local.fc_runtime.environment import ENVIRONMENT_LOCK, applied_environment
from local.fc_runtime.errors import FcConfigError, FcError, FcInvocationError, FcTimeoutError
from local.fc_runtime.instance import FcInstance, encode_event
from local.fc_runtime.wsgi import HttpResponse, strip_proxy_prefix

__all__ = [
    "ENVIRONMENT_LOCK",
    "Credentials",
    "FcConfigError",
    "FcContext",
    "FcError",
    "FcInstance",
    "FcInvocationError",
    "FcTimeoutError",
    "FunctionMeta",
    "HttpResponse",
    "ServiceMeta",
    "Tracing",
    "applied_environment",
    "encode_event",
    "strip_proxy_prefix",
]

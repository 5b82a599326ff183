"""ECS OpenAPI client: request signing, retries, typed errors and one method per action.

Importing this package does not import `requests`; the first call does.
"""

from shared.ecs.client import ECS_ACTIONS, EcsClient
from shared.ecs.errors import (
    ClientError,
    CredentialError,
    DeadlineExceededError,
    EcsError,
    OutcomeUnknownError,
    ServerError,
    ThrottlingError,
    TransportError,
)
from shared.ecs.models import AgentStatus, Instance, RebootResult, Region
from shared.ecs.settings import ClientSettings

__all__ = [
    "ECS_ACTIONS",
    "AgentStatus",
    "ClientError",
    "ClientSettings",
    "CredentialError",
    "DeadlineExceededError",
    "EcsClient",
    "EcsError",
    "Instance",
    "OutcomeUnknownError",
    "RebootResult",
    "Region",
    "ServerError",
    "ThrottlingError",
    "TransportError",
]

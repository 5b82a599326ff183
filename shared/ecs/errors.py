"""Exception types of the ECS client, one per class of failure, and their classification."""

from __future__ import annotations

from collections.abc import Iterable

CREDENTIAL_CODE_PREFIXES = (
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidAccessKeyId",
    "InvalidAccessKeySecret",
    "MissingSecurityToken",
    "InvalidSecurityToken",
    "SecurityTokenExpired",
    "InvalidTimeStamp",
)
RETRYABLE_SERVER_CODES = ("ServiceUnavailable", "UnknownError")
REDACTED = "***"


class EcsError(Exception):
    """A failed ECS call, with the service's error fields and the call it belongs to.

    `retryable` is True when a later attempt may succeed. `str()` shows the action,
    region, code, message and request ID, and never a secret or a signature.
    """

    default_retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        request_id: str = "",
        http_status: int | None = None,
        recommend: str = "",
        action: str = "",
        region: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.recommend = recommend
        self.action = action
        self.region = region
        self.retryable = self.default_retryable if retryable is None else retryable

    def __str__(self) -> str:
        action = self.action or "ECS call"
        where = f"{action} in {self.region}" if self.region else f"{action} at the central endpoint"
        status = f"HTTP {self.http_status}" if self.http_status else "no HTTP response"
        text = f"{where} failed: {self.code or 'error'}: {self.message} ({status}"
        if self.request_id:
            text += f", RequestId {self.request_id}"
        return text + ")"


class ThrottlingError(EcsError):
    """ECS rejected the call by flow control (`Throttling*`)."""

    default_retryable = True


class ServerError(EcsError):
    """ECS failed on its side: 5xx, `InternalError*` or `ServiceUnavailable`."""

    default_retryable = True


class TransportError(EcsError):
    """No HTTP response arrived: connection failure, reset or timeout."""

    default_retryable = True


class OutcomeUnknownError(EcsError):
    """A call that changes state failed after the request was sent, so it may have been applied.

    The client does not repeat such a call. The caller reads the state again instead.
    """


class CredentialError(EcsError):
    """ECS rejected the signature, the access key or the STS token. `hint` names what to check."""

    def __init__(self, message: str, *, hint: str = "", **fields) -> None:
        super().__init__(message, **fields)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}. {self.hint}" if self.hint else text


class ClientError(EcsError):
    """ECS rejected the request permanently (4xx).

    `code` gives the reason, such as `InvalidInstance.NotFound` or `IncorrectInstanceStatus`.
    """


class DeadlineExceededError(EcsError):
    """No time is left before the invocation deadline to start or retry a call.

    `retryable` is True because a later invocation may succeed. `last_error` is the
    failure that would have been retried, or None if no attempt was made.
    """

    default_retryable = True

    def __init__(self, message: str, *, last_error: EcsError | None = None, **fields) -> None:
        super().__init__(message, **fields)
        self.last_error = last_error


def credential_hint(code: str) -> str:
    if code.startswith(("SignatureDoesNotMatch", "IncompleteSignature")):
        return (
            "Check that the access key secret belongs to the access key ID and that no proxy "
            "changes the request"
        )
    if code.startswith(("InvalidAccessKeyId", "InvalidAccessKeySecret")):
        return "Check the access key ID, or the FC service role that provides the keys"
    if code.startswith("InvalidTimeStamp"):
        return "Check the host clock: the request time is outside the accepted window"
    return (
        "The STS security token is missing, invalid or expired: read the credentials at "
        "every invocation so that the service role's current keys are used"
    )


def error_for_response(
    http_status: int, body: object, *, action: str, region: str | None, secrets: Iterable[str] = ()
) -> EcsError:
    """Build the exception for an HTTP error response, removing any secret from the message."""
    fields = body if isinstance(body, dict) else {}
    code = str(fields.get("Code") or "")
    message = redact(
        str(fields.get("Message") or f"HTTP {http_status} without an error body"), secrets
    )
    common = {
        "code": code,
        "request_id": str(fields.get("RequestId") or ""),
        "http_status": http_status,
        "recommend": str(fields.get("Recommend") or ""),
        "action": action,
        "region": region,
    }

    if code.startswith("Throttling"):
        return ThrottlingError(message, **common)
    if code.startswith(CREDENTIAL_CODE_PREFIXES):
        return CredentialError(message, hint=credential_hint(code), **common)
    if code.startswith("InternalError") or code in RETRYABLE_SERVER_CODES or http_status >= 500:
        return ServerError(message, **common)
    return ClientError(message, **common)


def redact(message: str, secrets: Iterable[str]) -> str:
    """Cut the server's string to sign from a message and mask every secret in it.

    A `SignatureDoesNotMatch` message from ECS can quote the server's string to sign,
    which contains the STS token.
    """
    marker = message.lower().find("string to sign")
    if marker >= 0:
        message = message[:marker].rstrip(" :,.") + " (string to sign removed)"
    for secret in secrets:
        if secret:
            message = message.replace(secret, REDACTED)
    return message

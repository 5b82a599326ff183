"""API errors with the codes, HTTP statuses and messages that the ECS OpenAPI returns.

Each error class is one real error code, in the style of moto's exceptions modules. Handlers
raise them, and the server renders them in the error envelope of the requested format.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error response: HTTP status, error code and message."""

    status = 400
    code = "UnknownError"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})


def missing_common(name: str) -> ApiError:
    """Return the error for a missing common parameter such as Timestamp or SignatureNonce."""
    return ApiError(f'The input parameter "{name}" that is mandatory for processing this '
                    f"request is not supplied.", code=f"Missing{name}")


def missing_parameter(name: str) -> ApiError:
    """Return the error for a missing action parameter such as RegionId."""
    return ApiError(f'The input parameter "{name}" that is mandatory for processing this '
                    f"request is not supplied.", code=f"MissingParameter.{name}")


def invalid_parameter(name: str, value: object, reason: str) -> ApiError:
    """Return the error for a parameter value that has the wrong form."""
    return ApiError(f'The specified parameter "{name}" is not valid: {reason} '
                    f"(value {value!r}).", code=f"InvalidParameter.{name}")


def over_limit(name: str, count: int, limit: int) -> ApiError:
    """Return the error for a list parameter with more items than the action accepts."""
    return ApiError(f'The specified parameter "{name}" has {count} items, more than the '
                    f"maximum of {limit}. Split the request into batches of at most {limit}.",
                    code="InvalidParameter")


class SignatureDoesNotMatch(ApiError):
    code = "SignatureDoesNotMatch"


class IncompleteSignature(ApiError):
    code = "IncompleteSignature"


class InvalidSignatureMethod(ApiError):
    code = "InvalidSignatureMethod"


class InvalidSignatureVersion(ApiError):
    code = "InvalidSignatureVersion"


class InvalidAccessKeyIdNotFound(ApiError):
    status = 404
    code = "InvalidAccessKeyId.NotFound"


class MissingSecurityToken(ApiError):
    code = "MissingSecurityToken"


class InvalidSecurityTokenMismatch(ApiError):
    code = "InvalidSecurityToken.MismatchWithAccessKey"


class InvalidSecurityTokenMalformed(ApiError):
    code = "InvalidSecurityToken.Malformed"


class SignatureNonceUsed(ApiError):
    code = "SignatureNonceUsed"


class InvalidTimeStampFormat(ApiError):
    code = "InvalidTimeStamp.Format"


class InvalidTimeStampExpired(ApiError):
    code = "InvalidTimeStamp.Expired"


class InvalidVersion(ApiError):
    code = "InvalidVersion"


class InvalidApiNotFound(ApiError):
    status = 404
    code = "InvalidApi.NotFound"


class InvalidRegionIdNotFound(ApiError):
    status = 404
    code = "InvalidRegionId.NotFound"


class InvalidInstanceNotFound(ApiError):
    status = 404
    code = "InvalidInstance.NotFound"


class InvalidInstanceIdNotFound(ApiError):
    status = 404
    code = "InvalidInstanceId.NotFound"


class IncorrectInstanceStatus(ApiError):
    status = 403
    code = "IncorrectInstanceStatus"


class DryRunOperation(ApiError):
    code = "DryRunOperation"


class InvalidTagKeyMalformed(ApiError):
    code = "InvalidTagKey.Malformed"


class InvalidTagValueMalformed(ApiError):
    code = "InvalidTagValue.Malformed"


class InvalidResourceTypeNotSupported(ApiError):
    code = "InvalidResourceType.NotSupported"


class InternalError(ApiError):
    status = 500
    code = "InternalError"

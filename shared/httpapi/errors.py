"""Errors of the HTTP API, rendered in the ECS error envelope."""

from __future__ import annotations

from http import HTTPStatus


class ApiError(Exception):
    """A request the API rejects: HTTP status, ECS-style error code and a message for the caller."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def missing(name: str) -> ApiError:
    return ApiError(
        400,
        f"MissingParameter.{name}",
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def invalid_instance_ids(detail: str) -> ApiError:
    return ApiError(400, "InvalidParameter.InstanceIds", f"The specified InstanceIds are invalid: {detail}")

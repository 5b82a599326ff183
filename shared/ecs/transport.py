"""One ECS call with retries: sign, send, classify the failure, back off, repeat."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping

import structlog

from shared.credentials import Credentials
from shared.deadline import Deadline
from shared.ecs.errors import (
    DeadlineExceededError,
    EcsError,
    OutcomeUnknownError,
    ServerError,
    TransportError,
    error_for_response,
    redact,
)
from shared.ecs.retry import MAX_RETRY_AFTER_SECONDS, backoff_seconds, retry_after_seconds
from shared.ecs.session import AttemptFailed, RawResponse, send_attempt
from shared.ecs.settings import ClientSettings
from shared.ecs.signing import percent_encode, sign_request

logger = structlog.get_logger(__name__)

# An attempt with less time than this left before the deadline is not started,
# because it could not finish.
MIN_ATTEMPT_SECONDS = 0.05


class Transport:
    """Sends signed calls for one set of credentials and counts the attempts per action."""

    def __init__(
        self, credentials: Credentials, settings: ClientSettings, deadline: Deadline | None
    ) -> None:
        self.credentials = credentials
        self.settings = settings
        self.deadline = deadline
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        token = credentials.security_token or ""
        self._secrets = tuple(
            value
            for value in (credentials.access_key_secret, token, percent_encode(token))
            if value
        )

    @property
    def call_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def call(
        self, action: str, region: str | None, params: Mapping[str, str], *, mutating: bool
    ) -> dict:
        """Call `action` and return the decoded JSON response, retrying what is retryable.

        A call that changes state (`mutating`) is not repeated after an ambiguous
        failure and raises OutcomeUnknownError instead. When the attempts run out,
        the last error is raised; when the deadline leaves no time for the next
        attempt, DeadlineExceededError is raised.
        """
        endpoint = self.settings.endpoint_for(region)
        last_error: EcsError | None = None

        for attempt in range(1, self.settings.max_attempts + 1):
            remaining = self._remaining()
            if remaining is not None and remaining < MIN_ATTEMPT_SECONDS:
                raise self._deadline_error(action, region, last_error)

            signed = sign_request(
                self.settings.signature_version, endpoint, action, params, self.credentials
            )
            self._count(action)
            retry_after = None
            try:
                response = send_attempt(
                    signed,
                    _clip(self.settings.connect_timeout, remaining),
                    _clip(self.settings.read_timeout, remaining),
                    remaining,
                )
            except AttemptFailed as failure:
                error = self._transport_error(failure, action, region, mutating)
            else:
                body = _decode_json(response)
                if 200 <= response.status < 300 and body is not None:
                    return body
                error = self._response_error(response, body, action, region, mutating)
                retry_after = retry_after_seconds(response.headers)

            last_error = error
            if not error.retryable or attempt == self.settings.max_attempts:
                raise error
            if retry_after is not None and retry_after > MAX_RETRY_AFTER_SECONDS:
                raise error

            wait = backoff_seconds(attempt, self.settings.backoff_base, self.settings.backoff_cap)
            wait = max(wait, retry_after or 0.0)
            remaining = self._remaining()
            if remaining is not None and wait + MIN_ATTEMPT_SECONDS > remaining:
                raise self._deadline_error(action, region, error) from error

            logger.warning(
                "ecs_retry",
                action=action,
                regionId=region,
                attempt=attempt,
                code=error.code,
                waitMs=round(wait * 1000),
            )
            time.sleep(wait)

        raise AssertionError("the retry loop always returns or raises")  # pragma: no cover

    def _remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline.remaining()

    def _count(self, action: str) -> None:
        with self._lock:
            self._counts[action] = self._counts.get(action, 0) + 1

    def _transport_error(
        self, failure: AttemptFailed, action: str, region: str | None, mutating: bool
    ) -> EcsError:
        detail = redact(failure.detail, self._secrets)
        fields = {"code": failure.kind, "action": action, "region": region}
        if failure.sent and mutating:
            return OutcomeUnknownError(
                f"the request was sent but no response arrived ({detail}); it may have been "
                "applied, so read the instance state before acting again",
                **fields,
            )
        return TransportError(f"no response arrived ({detail})", retryable=not failure.permanent, **fields)

    def _response_error(
        self, response: RawResponse, body: dict | None, action: str, region: str | None, mutating: bool
    ) -> EcsError:
        if response.status < 300:
            # A success status with an unreadable body: the call may have been applied.
            message = f"HTTP {response.status} came with a body that is not a JSON object"
            fields = {
                "code": "InvalidResponse",
                "http_status": response.status,
                "request_id": response.headers.get("x-acs-request-id", ""),
                "action": action,
                "region": region,
            }
            if mutating:
                return OutcomeUnknownError(
                    message + "; read the instance state before acting again", **fields
                )
            return ServerError(message, **fields)

        error = error_for_response(
            response.status, body, action=action, region=region, secrets=self._secrets
        )
        if not error.request_id:
            error.request_id = response.headers.get("x-acs-request-id", "")
        return error

    def _deadline_error(
        self, action: str, region: str | None, last_error: EcsError | None
    ) -> DeadlineExceededError:
        message = "no time is left before the invocation deadline to start another attempt"
        if last_error is not None:
            code = last_error.code or "an error"
            message += f"; the last attempt failed with {code}: {last_error.message}"
        return DeadlineExceededError(
            message, code="DeadlineExceeded", action=action, region=region, last_error=last_error
        )


def _clip(timeout: float, remaining: float | None) -> float:
    return timeout if remaining is None else max(min(timeout, remaining), MIN_ATTEMPT_SECONDS)


def _decode_json(response: RawResponse) -> dict | None:
    try:
        body = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None

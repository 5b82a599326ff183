"""HTTP sessions and single attempts over `requests`.

`requests` is imported on first use, so importing the client costs nothing at a cold
start until the first call. Each thread gets its own `requests.Session`, because a
session's connection pool is not documented as thread-safe.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from shared.ecs.signing import SignedRequest

_local = threading.local()
_CHUNK_BYTES = 64 * 1024
_QUERY = re.compile(r"\?[^\s'\")]*")


@dataclass(frozen=True)
class RawResponse:
    """Status, headers and the complete body of one HTTP response."""

    status: int
    headers: dict[str, str]
    body: bytes


class AttemptFailed(Exception):
    """No complete HTTP response arrived.

    `sent` is False only when the connection was never established, so ECS cannot
    have seen the request. `kind` is a short name such as `ReadTimeout`.
    """

    def __init__(self, kind: str, detail: str, *, sent: bool, permanent: bool = False) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.sent = sent
        self.permanent = permanent


def thread_session():
    """Return this thread's `requests.Session`, creating it on first use."""
    session = getattr(_local, "session", None)
    if session is None:
        import requests

        session = requests.Session()
        # Environment settings stay out: a ~/.netrc entry would replace the signed
        # Authorization header, and a proxy variable would reroute loopback calls.
        # NOTE: so HTTPS_PROXY is not honoured, and no setting offers a proxy yet.
        session.trust_env = False
        _local.session = session
    return session


def send_attempt(
    signed: SignedRequest, connect_timeout: float, read_timeout: float, budget_seconds: float | None
) -> RawResponse:
    """Send one signed request and read the whole response, raising AttemptFailed without one.

    `read_timeout` bounds each socket read. `budget_seconds`, when given, bounds the
    whole attempt, so a slowly sent body cannot run past the deadline.
    """
    import requests
    from urllib3.exceptions import ReadTimeoutError

    session = thread_session()
    started = time.monotonic()
    prepared = session.prepare_request(
        requests.Request(signed.method, signed.url, headers=signed.headers)
    )
    # requests re-quotes URLs while preparing them; the signature covers these exact bytes.
    prepared.url = signed.url

    try:
        response = session.send(
            prepared, timeout=(connect_timeout, read_timeout), allow_redirects=False, stream=True
        )
    except requests.exceptions.ConnectTimeout as error:
        raise AttemptFailed("ConnectTimeout", _describe(error), sent=False) from None
    except requests.exceptions.SSLError as error:
        raise AttemptFailed("SSLError", _describe(error), sent=False, permanent=True) from None
    except requests.exceptions.ReadTimeout as error:
        raise AttemptFailed("ReadTimeout", _describe(error), sent=True) from None
    except requests.exceptions.ConnectionError as error:
        # A failure to connect arrives wrapped in MaxRetryError. Anything else broke
        # an established connection after the request was written.
        cause = error.args[0] if error.args else None
        if type(cause).__name__ == "MaxRetryError":
            raise AttemptFailed("ConnectionFailed", _describe(error), sent=False) from None
        raise AttemptFailed("ConnectionReset", _describe(error), sent=True) from None
    except requests.exceptions.RequestException as error:
        raise AttemptFailed("RequestFailed", _describe(error), sent=True) from None

    chunks: list[bytes] = []
    try:
        for chunk in response.iter_content(_CHUNK_BYTES):
            chunks.append(chunk)
            if budget_seconds is not None and time.monotonic() - started > budget_seconds:
                raise AttemptFailed(
                    "ReadTimeout", "the body did not arrive before the deadline", sent=True
                )
    except requests.exceptions.ConnectionError as error:
        cause = error.args[0] if error.args else None
        kind = "ReadTimeout" if isinstance(cause, ReadTimeoutError) else "ConnectionReset"
        raise AttemptFailed(kind, _describe(error), sent=True) from None
    except requests.exceptions.RequestException as error:
        raise AttemptFailed("ConnectionReset", _describe(error), sent=True) from None
    finally:
        response.close()

    headers = {name.lower(): value for name, value in response.headers.items()}
    return RawResponse(response.status_code, headers, b"".join(chunks))


def _describe(error: Exception) -> str:
    """Return the exception's class and text without any query string.

    `requests` quotes the URL in some messages, and a V1 query string carries the
    signature and the STS token.
    """
    return f"{type(error).__name__}: {_QUERY.sub('?<query removed>', str(error))}"

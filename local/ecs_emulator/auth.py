"""Authentication of ECS OpenAPI requests: key pair, STS token, timestamp, nonce, signature."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import errors, signatures
from .wire import WireRequest

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
V1_REQUIRED = ("AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
               "SignatureNonce", "Timestamp")


class Credentials:
    """The one key pair, and optional STS token, that the emulator accepts."""

    def __init__(self, access_key_id: str, access_key_secret: str, security_token: str | None):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token or None

    def __repr__(self) -> str:
        # The secret and the token stay out of reprs and logs.
        token = "set" if self.security_token else "none"
        return f"Credentials(access_key_id={self.access_key_id!r}, security_token={token})"


class NonceCache:
    """Nonces seen within the timestamp window, so that a replayed request is rejected."""

    def __init__(self):
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        self._order: collections.deque[tuple[float, str]] = collections.deque()

    def use(self, nonce: str, keep_seconds: float) -> bool:
        """Record a nonce and return False when it was already used within keep_seconds."""
        now = time.monotonic()
        with self._lock:
            while self._order and self._order[0][0] <= now:
                expiry, old = self._order.popleft()
                if self._expiry.get(old) == expiry:
                    del self._expiry[old]

            if nonce in self._expiry:
                return False

            expiry = now + keep_seconds
            self._expiry[nonce] = expiry
            self._order.append((expiry, nonce))
            return True

    def clear(self) -> None:
        with self._lock:
            self._expiry.clear()
            self._order.clear()


@dataclass
class AuthResult:
    """The outcome of a successful authentication."""

    signature_version: str  # "v1" or "v3"
    action: str | None
    version: str | None
    params: dict[str, str] = field(default_factory=dict)


def detect_signature_version(request: WireRequest) -> str | None:
    """Return "v3" for an ACS3 Authorization header, "v1" for a Signature parameter, else None."""
    authorization = request.header("authorization")
    if authorization and authorization.strip().upper().startswith("ACS3-"):
        return "v3"
    if "Signature" in request.params:
        return "v1"
    return None


def authenticate(request: WireRequest, credentials: Credentials, nonces: NonceCache,
                 window_seconds: float) -> AuthResult:
    """Check the request's signature and common parameters, and raise ApiError on failure."""
    version = detect_signature_version(request)
    if version == "v3":
        return _authenticate_v3(request, credentials, nonces, window_seconds)
    if version == "v1":
        return _authenticate_v1(request, credentials, nonces, window_seconds)
    raise errors.missing_common("Signature")


def _authenticate_v1(request, credentials, nonces, window_seconds) -> AuthResult:
    params = request.params
    for name in V1_REQUIRED:
        if not params.get(name):
            raise errors.missing_common(name)

    if params["SignatureMethod"] != "HMAC-SHA1":
        raise errors.InvalidSignatureMethod(
            f"The SignatureMethod {params['SignatureMethod']!r} is not supported for "
            f"signature V1. Use HMAC-SHA1.")
    if params["SignatureVersion"] != "1.0":
        raise errors.InvalidSignatureVersion(
            f"The SignatureVersion {params['SignatureVersion']!r} is not supported. Use 1.0.")

    _check_key_and_token(params["AccessKeyId"], params.get("SecurityToken"), credentials)
    _check_timestamp(params["Timestamp"], "Timestamp", window_seconds)

    expected = signatures.v1_signature(request.method, params, credentials.access_key_secret)
    if not signatures.signatures_equal(expected, params["Signature"]):
        string_to_sign = signatures.v1_string_to_sign(request.method, params)
        raise errors.SignatureDoesNotMatch(
            "Specified signature does not match our calculation. Check the access key secret "
            "and the signing steps. Server StringToSign: "
            + _redact(string_to_sign, credentials.security_token))

    _use_nonce(nonces, params["SignatureNonce"], window_seconds)
    plain = {k: v for k, v in params.items() if k != "Signature"}
    return AuthResult("v1", params.get("Action"), params.get("Version"), plain)


def _authenticate_v3(request, credentials, nonces, window_seconds) -> AuthResult:
    try:
        algorithm, key_id, signed_headers, received = signatures.parse_v3_authorization(
            request.header("authorization"))
    except ValueError as error:
        raise errors.IncompleteSignature(
            f"The Authorization header is malformed: {error}. Expected "
            f"'{signatures.V3_ALGORITHM} Credential=...,SignedHeaders=...,Signature=...'."
        ) from None

    if algorithm != signatures.V3_ALGORITHM:
        raise errors.InvalidSignatureMethod(
            f"The signature algorithm {algorithm!r} is not supported by this emulator. "
            f"Use {signatures.V3_ALGORITHM}.")

    for name, missing in (("x-acs-date", errors.missing_common("Timestamp")),
                          ("x-acs-signature-nonce", errors.missing_common("SignatureNonce"))):
        if not request.header(name):
            raise missing
    if request.header("x-acs-content-sha256") is None:
        raise errors.IncompleteSignature(
            "The header x-acs-content-sha256 is missing. Send the hex SHA-256 of the body.")

    _check_signed_header_list(request, signed_headers)
    header_key_id = request.header("x-acs-accesskey-id")
    if header_key_id is not None and header_key_id != key_id:
        raise errors.InvalidAccessKeyIdNotFound(
            f"The x-acs-accesskey-id header {header_key_id!r} differs from the Credential "
            f"{key_id!r} of the Authorization header.")
    _check_key_and_token(key_id, request.header("x-acs-security-token"), credentials)
    _check_timestamp(request.header("x-acs-date"), "x-acs-date", window_seconds)

    body_hash = signatures.payload_sha256(request.body)
    if request.header("x-acs-content-sha256") != body_hash:
        raise errors.SignatureDoesNotMatch(
            "The header x-acs-content-sha256 does not match the SHA-256 of the request body.")

    canonical_request = signatures.v3_canonical_request(
        request.method, request.path, request.query, request.headers, signed_headers,
        request.header("x-acs-content-sha256"))
    expected = signatures.v3_signature(signatures.v3_string_to_sign(canonical_request),
                                       credentials.access_key_secret)
    if not signatures.signatures_equal(expected, received.lower()):
        raise errors.SignatureDoesNotMatch(
            "Specified signature does not match our calculation. Check the access key secret "
            "and the signing steps. Server CanonicalRequest: "
            + _redact(canonical_request, credentials.security_token))

    _use_nonce(nonces, request.header("x-acs-signature-nonce"), window_seconds)
    params = dict(request.params)
    action = request.header("x-acs-action") or params.get("Action")
    version = request.header("x-acs-version") or params.get("Version")
    if action is not None:
        params["Action"] = action
    if version is not None:
        params["Version"] = version
    return AuthResult("v3", action, version, params)


def _check_signed_header_list(request: WireRequest, signed_headers: list[str]) -> None:
    """Require host and every x-acs-* header of the request to be signed, and present."""
    signed = set(signed_headers)
    required = {"host"} | {name for name in request.headers if name.startswith("x-acs-")}
    unsigned = sorted(required - signed)
    if unsigned:
        raise errors.IncompleteSignature(
            f"The headers {', '.join(unsigned)} must be listed in SignedHeaders.")

    absent = [name for name in signed_headers if name not in request.headers]
    if absent:
        raise errors.IncompleteSignature(
            f"The signed headers {', '.join(absent)} are not in the request.")


def _check_key_and_token(key_id: str, token: str | None, credentials: Credentials) -> None:
    if key_id != credentials.access_key_id:
        raise errors.InvalidAccessKeyIdNotFound(
            f"The AccessKeyId {key_id!r} is not found. Use the key pair the emulator was "
            f"started with (--access-key-id).")

    if credentials.security_token is None:
        if token:
            raise errors.InvalidSecurityTokenMalformed(
                "A security token was sent, but the access key is not an STS key. "
                "Send no SecurityToken, or start the emulator with --security-token.")
        return

    if not token:
        raise errors.MissingSecurityToken(
            "The access key is an STS key, so the request needs a security token "
            "(SecurityToken for V1, x-acs-security-token for V3).")
    if not signatures.signatures_equal(credentials.security_token, token):
        raise errors.InvalidSecurityTokenMismatch(
            "The security token does not belong to the access key. Send the token issued "
            "together with this key.")


def _check_timestamp(value: str, name: str, window_seconds: float) -> None:
    try:
        sent = datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise errors.InvalidTimeStampFormat(
            f"The {name} {value!r} is not in the form yyyy-MM-ddTHH:mm:ssZ (UTC).") from None

    skew = abs(datetime.now(timezone.utc).timestamp() - sent.timestamp())
    if skew > window_seconds:
        raise errors.InvalidTimeStampExpired(
            f"The {name} {value!r} is {int(skew)} s away from the server time, more than the "
            f"{int(window_seconds)} s allowed. Sign each request with the current UTC time.")


def _use_nonce(nonces: NonceCache, nonce: str, window_seconds: float) -> None:
    # A nonce must stay unique for as long as its timestamp is accepted, on either side.
    if not nonces.use(nonce, 2 * window_seconds):
        raise errors.SignatureNonceUsed(
            f"The SignatureNonce {nonce!r} has been used already. Send a new nonce with "
            f"every request, retries included.")


def _redact(text: str, token: str | None) -> str:
    if not token:
        return text
    encoded_once = signatures.percent_encode(token)
    for form in (signatures.percent_encode(encoded_once), encoded_once, token):
        text = text.replace(form, "<redacted>")
    return text

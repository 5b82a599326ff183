"""Request signing for the ECS RPC API: V3 (ACS3-HMAC-SHA256) and V1 (HMAC-SHA1).

Both versions put every API parameter in the query string of a POST with an empty
body, as the official SDKs do. The query string is encoded once here, and the
transport sends these exact bytes.

V3 is described at
https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from shared.credentials import Credentials

API_VERSION = "2014-05-26"
ALGORITHM_V3 = "ACS3-HMAC-SHA256"
HTTP_METHOD = "POST"
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """A request ready to send: the exact URL and headers. The repr hides both."""

    method: str
    url: str = field(repr=False)
    headers: dict[str, str] = field(repr=False)


def percent_encode(text: str) -> str:
    """Encode UTF-8 text per RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay literal.

    A space becomes `%20` and `*` becomes `%2A`, which `quote` does once no other
    character is marked safe.
    """
    return quote(text, safe="", encoding="utf-8", errors="strict")


def canonical_query(params: Mapping[str, str]) -> str:
    """Join the encoded parameters, sorted by name, as `name=value` pairs with `&`."""
    return "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}" for name in sorted(params)
    )


def utc_timestamp(epoch_seconds: float | None = None) -> str:
    """Format a time as `YYYY-MM-DDThh:mm:ssZ` in UTC.

    The text is built from the integer fields of `time.gmtime`, so neither the host's
    time zone nor its locale can change it.
    """
    t = time.gmtime(epoch_seconds)
    date = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return f"{date}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}Z"


def new_nonce() -> str:
    return str(uuid.uuid4())


def string_to_sign_v1(method: str, params: Mapping[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def signature_v1(method: str, params: Mapping[str, str], secret: str) -> str:
    """Return the Base64 HMAC-SHA1 signature of the parameters, keyed with `secret + "&"`."""
    key = (secret + "&").encode("utf-8")
    digest = hmac.new(key, string_to_sign_v1(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def canonical_request_v3(
    method: str, params: Mapping[str, str], headers: Mapping[str, str], payload_sha256: str
) -> tuple[str, str]:
    """Return the V3 canonical request and the `;`-joined signed header names.

    Every header given is signed. Names are lower-cased and sorted, and values are
    trimmed.
    """
    lowered = {name.lower(): value.strip() for name, value in headers.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed_headers = ";".join(names)
    canonical = "\n".join(
        [method, "/", canonical_query(params), canonical_headers, signed_headers, payload_sha256]
    )
    return canonical, signed_headers


def authorization_v3(
    method: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    access_key_id: str,
    secret: str,
) -> str:
    """Return the V3 `Authorization` header value for a request with an empty body."""
    canonical, signed_headers = canonical_request_v3(method, params, headers, EMPTY_BODY_SHA256)
    string_to_sign = f"{ALGORITHM_V3}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"
    signature = hmac.new(
        secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return (
        f"{ALGORITHM_V3} Credential={access_key_id},"
        f"SignedHeaders={signed_headers},Signature={signature}"
    )


def sign_request(
    version: str,
    endpoint: str,
    action: str,
    params: Mapping[str, str],
    credentials: Credentials,
    *,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> SignedRequest:
    """Sign one attempt of `action`. Each attempt needs a fresh timestamp and nonce.

    `params` are the API parameters as text. `Format=JSON` is added for both versions.
    """
    timestamp = timestamp or utc_timestamp()
    nonce = nonce or new_nonce()
    query = {name: value for name, value in params.items()}
    query["Format"] = "JSON"

    if version == "v1":
        query.update(
            Action=action,
            Version=API_VERSION,
            AccessKeyId=credentials.access_key_id,
            SignatureMethod="HMAC-SHA1",
            SignatureVersion="1.0",
            SignatureNonce=nonce,
            Timestamp=timestamp,
        )
        if credentials.security_token:
            query["SecurityToken"] = credentials.security_token
        signature = signature_v1(HTTP_METHOD, query, credentials.access_key_secret)
        url = f"{endpoint}/?{canonical_query(query)}&Signature={percent_encode(signature)}"
        return SignedRequest(HTTP_METHOD, url, {"Accept": "application/json"})

    if version != "v3":
        raise ValueError(f"signature version {version!r} is invalid; use v3 or v1")

    # The Host header is signed, so it must be exactly the one sent, port included.
    headers = {
        "host": urlsplit(endpoint).netloc,
        "x-acs-action": action,
        "x-acs-version": API_VERSION,
        "x-acs-date": timestamp,
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": EMPTY_BODY_SHA256,
    }
    if credentials.security_token:
        headers["x-acs-security-token"] = credentials.security_token
    headers["Authorization"] = authorization_v3(
        HTTP_METHOD, query, headers, credentials.access_key_id, credentials.access_key_secret
    )
    headers["Accept"] = "application/json"
    return SignedRequest(HTTP_METHOD, f"{endpoint}/?{canonical_query(query)}", headers)

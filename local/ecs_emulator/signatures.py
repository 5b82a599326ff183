"""Signature V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256) computation for the ECS OpenAPI.

This code is written for the emulator alone and never shares code with the product's signer,
so that a bug in one cannot hide the same bug in the other. V1 signs the sorted, percent-encoded
parameters. V3 signs a canonical request built from the method, path, query, signed headers
and the SHA-256 of the body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping

V3_ALGORITHM = "ACS3-HMAC-SHA256"

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
# One entry per byte value, so that encoding is a table lookup per byte.
_ENCODED_BYTE = [chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in range(256)]


def percent_encode(text: str) -> str:
    """Percent-encode text as RFC 3986 over UTF-8: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return "".join(_ENCODED_BYTE[b] for b in text.encode("utf-8"))


def v1_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """Build the V1 StringToSign from the HTTP method and every parameter except Signature."""
    pairs = sorted((name, value) for name, value in params.items() if name != "Signature")
    canonical_query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in pairs)
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query)}"


def v1_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """Compute the V1 signature: Base64 of HMAC-SHA1 keyed with the secret plus "&"."""
    string_to_sign = v1_string_to_sign(method, params)
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def v3_canonical_query(query: Mapping[str, str]) -> str:
    """Build the V3 canonical query string: encoded pairs sorted by encoded name."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in query.items())
    return "&".join(f"{name}={value}" for name, value in pairs)


def v3_canonical_headers(headers: Mapping[str, list[str]], signed_headers: Iterable[str]) -> str:
    """Build the canonical headers block: one "name:values" line per signed header.

    headers maps lower-case names to every value the request carried for that name. Repeated
    values are trimmed, sorted and joined with commas.
    """
    lines = []
    for name in signed_headers:
        values = sorted(value.strip() for value in headers.get(name, []))
        lines.append(f"{name}:{','.join(values)}\n")
    return "".join(lines)


def v3_canonical_request(method: str, path: str, query: Mapping[str, str],
                         headers: Mapping[str, list[str]], signed_headers: list[str],
                         payload_sha256: str) -> str:
    """Build the V3 CanonicalRequest from the parts of an HTTP request."""
    return "\n".join([
        method.upper(),
        path or "/",
        v3_canonical_query(query),
        v3_canonical_headers(headers, signed_headers),
        ";".join(signed_headers),
        payload_sha256,
    ])


def v3_string_to_sign(canonical_request: str) -> str:
    """Build the V3 StringToSign: the algorithm and the hex SHA-256 of the canonical request."""
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{V3_ALGORITHM}\n{digest}"


def v3_signature(string_to_sign: str, secret: str) -> str:
    """Compute the V3 signature: hex HMAC-SHA256 keyed with the raw secret."""
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def parse_v3_authorization(value: str) -> tuple[str, str, list[str], str]:
    """Split an Authorization header into algorithm, access key ID, signed headers, signature.

    Raises ValueError naming the missing part when the header is not in the form
    "ACS3-HMAC-SHA256 Credential=...,SignedHeaders=a;b,Signature=...".
    """
    algorithm, _, rest = value.strip().partition(" ")
    fields = {}
    for item in rest.split(","):
        name, sep, field_value = item.strip().partition("=")
        if sep:
            fields[name] = field_value

    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise ValueError(f"the Authorization header has no {name} field")

    signed_headers = fields["SignedHeaders"].split(";")
    return algorithm, fields["Credential"], signed_headers, fields["Signature"]


def payload_sha256(body: bytes) -> str:
    """Return the hex SHA-256 of a request body, the value of x-acs-content-sha256."""
    return hashlib.sha256(body).hexdigest()


def signatures_equal(expected: str, received: str) -> bool:
    """Compare two signatures in constant time."""
    return hmac.compare_digest(expected.encode(), received.encode())

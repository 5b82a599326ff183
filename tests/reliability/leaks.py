"""Search text for secrets: the test suite's access key secrets and STS tokens, and request signatures.

tests/conftest.py runs `find_leaks` over every test's captured output and logs, and
the reliability tests run it over responses and error messages.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import quote

# Every secret value that a test in this repository gives to the product, the emulator
# or an SDK. Values shorter than MIN_SECRET_LENGTH are left out, because they match
# ordinary words.
SUITE_SECRETS = (
    "testsecret",
    "sts-secret-value",
    "sts-token-value",
    "CAIS+token/with=reserved+chars==",
    "CAIS+wrong/token=",
    "mysecret",
    "very-secret-value-123",
)
MIN_SECRET_LENGTH = 8
# A signature value: Base64 (V1, HMAC-SHA1) or hex (V3, HMAC-SHA256), in a query,
# an Authorization header, JSON or a Python repr. A masked value ("***", "<redacted>")
# does not match, because it is not made of these characters.
SIGNATURE_PATTERNS = (
    re.compile(r"\bSignature=(?P<value>[A-Za-z0-9+/%_-]{16,}=*)"),
    re.compile(r"""["']Signature["']\s*:\s*["'](?P<value>[A-Za-z0-9+/%_-]{16,}=*)["']"""),
)

_extra_secrets: set[str] = set()
_extra_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Add a secret that a test uses to the values every later scan searches for."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _extra_lock:
            _extra_secrets.add(value)


def known_secrets() -> list[str]:
    """Return every secret to search for, each also in its percent-encoded form."""
    with _extra_lock:
        values = set(SUITE_SECRETS) | _extra_secrets
    forms = set(values) | {quote(value, safe="") for value in values}
    return sorted(forms)


def find_leaks(text: str) -> list[str]:
    """Return a description of each secret or signature found in `text`, without the value itself."""
    found = []
    for secret in known_secrets():
        if secret in text:
            found.append(f"a known secret of {len(secret)} characters starting {secret[:2]!r}")
    for pattern in SIGNATURE_PATTERNS:
        for match in pattern.finditer(text):
            found.append(f"a Signature value of {len(match.group('value'))} characters")
    return found

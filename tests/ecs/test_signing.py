"""Signing: the published V1 vector and cross-checks against the official SDK helpers."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

from alibabacloud_openapi_util.client import Client as OpenApiUtil
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.credentials import Credentials
from shared.ecs.signing import (
    ALGORITHM_V3,
    EMPTY_BODY_SHA256,
    authorization_v3,
    percent_encode,
    sign_request,
    signature_v1,
    string_to_sign_v1,
    utc_timestamp,
)

# aliyun-python-sdk-core keeps its V1 helpers as module-level functions whose names
# start with two underscores; getattr reaches them.
_core_composer = importlib.import_module("aliyunsdkcore.auth.composer.rpc_signature_composer")
core_string_to_sign = getattr(_core_composer, "__compose_string_to_sign")
core_signature = getattr(_core_composer, "__get_signature")

# The DescribeRegions example of the V1 signature document, with key testid/testsecret.
PUBLISHED_V1_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
PUBLISHED_V1_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
    "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
    "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
)
PUBLISHED_V1_SIGNATURE = "OLeaidS1JvxuMvnyHOwuJ+uX5qY="

UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"
# Text without lone surrogates, which UTF-8 cannot encode, weighted towards the
# characters that encoders get wrong.
TRICKY = st.sampled_from(list(" *~+/=&%?#!'()é中文\u00a0\U0001f600"))
TEXT = st.lists(
    st.one_of(TRICKY, st.characters(blacklist_categories=("Cs",))), max_size=24
).map("".join)
NAMES = st.lists(st.one_of(TRICKY, st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=12).map(
    "".join
)
UNRESERVED_NAMES = st.text(alphabet=UNRESERVED, min_size=1, max_size=12)
TOKENS = st.text(alphabet=UNRESERVED + "+/=", min_size=1, max_size=64)


def split_query(url: str) -> dict[str, str]:
    """Decode the query string of a URL into a dict; every `&` and `=` inside is encoded."""
    query = urlsplit(url).query
    pairs = (pair.split("=", 1) for pair in query.split("&"))
    return {unquote(name): unquote(value) for name, value in pairs}


def test_percent_encode_reserved_characters():
    cases = {
        " ": "%20",
        "*": "%2A",
        "~": "~",
        "+": "%2B",
        "/": "%2F",
        "=": "%3D",
        "&": "%26",
        "é": "%C3%A9",
        "-_.": "-_.",
    }
    for text, expected in cases.items():
        assert percent_encode(text) == expected, text


@given(TEXT)
def test_percent_encode_round_trip(text):
    encoded = percent_encode(text)
    assert re.fullmatch(r"(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*", encoded)
    assert unquote(encoded, errors="strict") == text


def test_v1_published_string_to_sign():
    assert string_to_sign_v1("GET", PUBLISHED_V1_PARAMS) == PUBLISHED_V1_STRING_TO_SIGN


def test_v1_published_signature():
    assert signature_v1("GET", PUBLISHED_V1_PARAMS, "testsecret") == PUBLISHED_V1_SIGNATURE


def test_utc_timestamp_of_published_vector():
    assert utc_timestamp(1456231584) == "2016-02-23T12:46:24Z"


def test_utc_timestamp_at_epoch():
    assert utc_timestamp(0) == "1970-01-01T00:00:00Z"


@settings(max_examples=300)
@given(st.dictionaries(NAMES, TEXT, min_size=1, max_size=8), st.sampled_from(["GET", "POST"]), TEXT)
def test_v1_matches_openapi_util(params, method, secret):
    expected = OpenApiUtil.get_rpcsignature(params, method, secret)
    assert signature_v1(method, params, secret) == expected


@settings(max_examples=300)
@given(st.dictionaries(NAMES, TEXT, min_size=1, max_size=8), st.sampled_from(["GET", "POST"]), TEXT)
def test_v1_matches_legacy_core_sdk(params, method, secret):
    expected_string = core_string_to_sign(method, params)
    assert string_to_sign_v1(method, params) == expected_string
    assert signature_v1(method, params, secret) == core_signature(expected_string, secret)


@settings(max_examples=300)
@given(
    st.dictionaries(UNRESERVED_NAMES, TEXT, max_size=8),
    st.dictionaries(
        st.sampled_from(["host", "x-acs-action", "x-acs-date", "x-acs-security-token", "content-type"]),
        TEXT.map(str.strip),
    ),
    st.sampled_from(["GET", "POST"]),
    TEXT,
)
def test_v3_matches_openapi_util(params, headers, method, secret):
    # The SDK helper leaves parameter names unencoded, so names here are unreserved
    # characters only; names that need encoding are checked on their own below.
    request = SimpleNamespace(method=method, pathname="/", query=dict(params), headers=dict(headers))
    expected = OpenApiUtil.get_authorization(request, ALGORITHM_V3, EMPTY_BODY_SHA256, "testid", secret)
    assert authorization_v3(method, params, headers, "testid", secret) == expected


def test_v3_encodes_parameter_names():
    request = SimpleNamespace(method="POST", pathname="/", query={"Tag%201": "a b"}, headers={"host": "h"})
    expected = OpenApiUtil.get_authorization(request, ALGORITHM_V3, EMPTY_BODY_SHA256, "testid", "s")
    assert authorization_v3("POST", {"Tag 1": "a b"}, {"host": "h"}, "testid", "s") == expected


@settings(max_examples=200)
@given(st.dictionaries(UNRESERVED_NAMES, TEXT, max_size=6), TOKENS, TEXT.filter(bool))
def test_v3_request_verifies_with_sdk(params, token, secret):
    credentials = Credentials("testid", secret, token)
    signed = sign_request("v3", "http://127.0.0.1:8080", "DescribeInstances", params, credentials)

    sent_query = split_query(signed.url)
    signed_headers = {
        name: value for name, value in signed.headers.items() if name not in ("Authorization", "Accept")
    }
    request = SimpleNamespace(method="POST", pathname="/", query=sent_query, headers=signed_headers)
    expected = OpenApiUtil.get_authorization(request, ALGORITHM_V3, EMPTY_BODY_SHA256, "testid", secret)
    assert signed.headers["Authorization"] == expected
    assert signed_headers["x-acs-security-token"] == token
    assert signed_headers["host"] == "127.0.0.1:8080"


@settings(max_examples=200)
@given(st.dictionaries(UNRESERVED_NAMES, TEXT, max_size=6), TOKENS, TEXT.filter(bool))
def test_v1_request_verifies_with_sdk(params, token, secret):
    params = {name: value for name, value in params.items() if name != "Signature"}
    credentials = Credentials("testid", secret, token)
    signed = sign_request("v1", "http://127.0.0.1:8080", "DescribeInstances", params, credentials)

    sent_query = split_query(signed.url)
    signature = sent_query.pop("Signature")
    assert OpenApiUtil.get_rpcsignature(sent_query, "POST", secret) == signature
    assert sent_query["SecurityToken"] == token


def test_v1_token_with_reserved_characters():
    signed = sign_request("v1", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b", "x+y/z="))
    assert "SecurityToken=x%2By%2Fz%3D" in signed.url


def test_empty_token_not_sent_v1():
    for token in ("", None):
        signed = sign_request("v1", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b", token))
        assert "SecurityToken" not in signed.url, token
        assert "None" not in signed.url, token


def test_empty_token_not_sent_v3():
    for token in ("", None):
        signed = sign_request("v3", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b", token))
        assert "x-acs-security-token" not in signed.headers, token
        assert "None" not in signed.headers["Authorization"], token


def test_v3_signed_headers_list():
    signed = sign_request("v3", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b", "t"))
    assert (
        "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
        "x-acs-security-token;x-acs-signature-nonce;x-acs-version," in signed.headers["Authorization"]
    )


def test_each_signing_has_fresh_nonce():
    credentials = Credentials("a", "b")
    first = sign_request("v1", "https://ecs.aliyuncs.com", "DescribeRegions", {}, credentials)
    second = sign_request("v1", "https://ecs.aliyuncs.com", "DescribeRegions", {}, credentials)
    assert split_query(first.url)["SignatureNonce"] != split_query(second.url)["SignatureNonce"]


def test_format_json_is_sent():
    for version in ("v1", "v3"):
        signed = sign_request(version, "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b"))
        assert split_query(signed.url)["Format"] == "JSON", version


def test_signed_request_repr_hides_url():
    signed = sign_request("v1", "https://ecs.aliyuncs.com", "DescribeRegions", {}, Credentials("a", "b", "tok"))
    assert "tok" not in repr(signed)
    assert "Signature" not in repr(signed)

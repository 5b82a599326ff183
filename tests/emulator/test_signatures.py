"""The emulator's V1 and V3 signature code against published vectors and the SDK utilities."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from hypothesis import given, settings
from hypothesis import strategies as st

from local.ecs_emulator import signatures

# The DescribeRegions example of the ECS signature documentation.
VECTOR_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
VECTOR_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
    "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
    "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
    "%26Version%3D2014-05-26")

# Names as the SDKs send them, and values with the characters that encoding gets wrong.
PARAM_NAMES = st.sampled_from(["RegionId", "InstanceId.1", "InstanceId.2", "Tag.1.Key",
                               "Tag.1.Value", "NextToken", "InstanceIds", "Status", "a", "Z"])
# Surrogates cannot be encoded as UTF-8, so no client can send them.
UNICODE = st.characters(codec="utf-8")
PARAM_VALUES = st.text(
    alphabet=st.one_of(st.sampled_from(list(" *~+/=&%:?#[]\"'é中文😀")), UNICODE),
    max_size=40)
PARAMS = st.dictionaries(PARAM_NAMES, PARAM_VALUES, max_size=8)
SECRETS = st.text(alphabet=UNICODE, min_size=1, max_size=30)

compose_string_to_sign = getattr(rpc_signature_composer, "__compose_string_to_sign")
legacy_signature = getattr(rpc_signature_composer, "__get_signature")


def test_v1_published_vector_string():
    assert signatures.v1_string_to_sign("GET", VECTOR_PARAMS) == VECTOR_STRING_TO_SIGN


def test_v1_published_vector_signature():
    signature = signatures.v1_signature("GET", VECTOR_PARAMS, "testsecret")

    assert signature == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v1_vector_with_post():
    assert signatures.v1_signature("POST", VECTOR_PARAMS, "testsecret") == (
        "MxbnVAM4w6sft9xjVpe/GCKueuk=")


def test_v1_older_vector_timestamp_spelling():
    params = dict(VECTOR_PARAMS)
    params["TimeStamp"] = params.pop("Timestamp")

    assert signatures.v1_signature("GET", params, "testsecret") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_v1_ignores_signature_parameter():
    with_signature = dict(VECTOR_PARAMS, Signature="anything")

    assert signatures.v1_string_to_sign("GET", with_signature) == VECTOR_STRING_TO_SIGN


@pytest.mark.parametrize(("text", "encoded"), [
    ("a b*c~+", "a%20b%2Ac~%2B"),
    ("/=&", "%2F%3D%26"),
    ("é", "%C3%A9"),
    ("AZaz09-_.~", "AZaz09-_.~"),
])
def test_percent_encode_rfc3986(text, encoded):
    assert signatures.percent_encode(text) == encoded


@settings(max_examples=300, deadline=None)
@given(params=PARAMS, secret=SECRETS, method=st.sampled_from(["GET", "POST"]))
def test_v1_matches_openapi_util(params, secret, method):
    expected = OpenApiUtil.get_rpcsignature(params, method, secret)

    assert signatures.v1_signature(method, params, secret) == expected


@settings(max_examples=300, deadline=None)
@given(params=PARAMS, secret=SECRETS, method=st.sampled_from(["GET", "POST"]))
def test_v1_matches_tea_openapi_utils(params, secret, method):
    expected = TeaUtils.get_rpcsignature(params, method, secret)

    assert signatures.v1_signature(method, params, secret) == expected


@settings(max_examples=300, deadline=None)
@given(params=PARAMS, secret=SECRETS, method=st.sampled_from(["GET", "POST"]))
def test_v1_matches_legacy_core_composer(params, secret, method):
    string_to_sign = compose_string_to_sign(method, params)

    assert signatures.v1_string_to_sign(method, params) == string_to_sign
    assert signatures.v1_signature(method, params, secret) == legacy_signature(
        string_to_sign, secret)


def _v3_headers(extra: dict) -> dict:
    headers = {
        "host": "127.0.0.1:8080",
        "x-acs-action": "DescribeInstances",
        "x-acs-version": "2014-05-26",
        "x-acs-date": "2024-01-01T00:00:00Z",
        "x-acs-signature-nonce": "abc",
        "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
    }
    headers.update(extra)
    return headers


def _v3_verify(method, query, headers, secret) -> str:
    names = sorted(name.lower() for name in headers)
    lowered = {name.lower(): [value] for name, value in headers.items()}
    canonical = signatures.v3_canonical_request(
        method, "/", query, lowered, names, headers["x-acs-content-sha256"])
    signature = signatures.v3_signature(signatures.v3_string_to_sign(canonical), secret)
    return f"{signatures.V3_ALGORITHM} Credential=testid,SignedHeaders={';'.join(names)}," \
           f"Signature={signature}"


HEADER_VALUES = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E),
                        max_size=30)


@settings(max_examples=300, deadline=None)
@given(query=PARAMS, secret=SECRETS, agent=HEADER_VALUES,
       method=st.sampled_from(["GET", "POST"]))
def test_v3_matches_openapi_util(query, secret, agent, method):
    headers = _v3_headers({"user-agent": agent, "accept": "application/json"})
    request = SimpleNamespace(pathname="/", method=method, query=query, headers=headers)
    expected = OpenApiUtil.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], "testid", secret)

    assert _v3_verify(method, query, headers, secret) == expected


@settings(max_examples=300, deadline=None)
@given(query=PARAMS, secret=SECRETS, token=HEADER_VALUES)
def test_v3_matches_tea_openapi_utils(query, secret, token):
    headers = _v3_headers({"x-acs-security-token": token, "x-acs-accesskey-id": "testid"})
    request = SimpleNamespace(pathname="/", method="POST", query=query, headers=headers)
    expected = TeaUtils.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], "testid", secret)

    assert _v3_verify("POST", query, headers, secret) == expected


def test_v3_authorization_parsed():
    algorithm, key_id, signed, signature = signatures.parse_v3_authorization(
        "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature=ab12")

    assert algorithm == "ACS3-HMAC-SHA256"
    assert key_id == "testid"
    assert signed == ["host", "x-acs-date"]
    assert signature == "ab12"


def test_v3_authorization_without_signature():
    with pytest.raises(ValueError, match="Signature"):
        signatures.parse_v3_authorization("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host")

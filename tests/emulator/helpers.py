"""Clients for the emulator tests, signed with the official SDK utilities, never ours."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import requests
from alibabacloud_ecs20140526.client import Client as TeaEcsClient
from alibabacloud_openapi_util.client import Client as OpenApiUtil
from alibabacloud_tea_openapi import models as open_api_models
from aliyunsdkcore.client import AcsClient

KEY_ID = "testid"
SECRET = "testsecret"
REGION = "cn-hangzhou"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_timestamp(offset_seconds: float = 0) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=offset_seconds)
    return moment.strftime(TIME_FORMAT)


def v1_params(action: str, params: dict | None = None, key_id: str = KEY_ID,
              token: str | None = None, fmt: str | None = "JSON", **common) -> dict:
    """Return the common V1 parameters for an action, before signing."""
    values = {
        "Action": action,
        "Version": "2014-05-26",
        "AccessKeyId": key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": utc_timestamp(),
    }
    if fmt is not None:
        values["Format"] = fmt
    if token is not None:
        values["SecurityToken"] = token
    values.update(common)
    values.update(params or {})
    return values


def call_v1(server, action: str, params: dict | None = None, *, method: str = "GET",
            secret: str = SECRET, form: dict | None = None, session=None,
            **common) -> requests.Response:
    """Send a V1-signed call; the signature is computed by alibabacloud_openapi_util."""
    query = v1_params(action, params, **common)
    signed = dict(query, **(form or {}))
    query["Signature"] = OpenApiUtil.get_rpcsignature(signed, method, secret)
    sender = session or requests
    return sender.request(method, server.url + "/", params=query, data=form, timeout=10)


def call_v3(server, action: str, params: dict | None = None, *, secret: str = SECRET,
            key_id: str = KEY_ID, token: str | None = None, body: bytes = b"",
            date: str | None = None, nonce: str | None = None,
            extra_headers: dict | None = None, tamper=None) -> requests.Response:
    """Send a V3-signed POST; the Authorization is computed by alibabacloud_openapi_util."""
    query = dict(params or {})
    headers = {
        "host": f"127.0.0.1:{server.port}",
        "x-acs-action": action,
        "x-acs-version": "2014-05-26",
        "x-acs-date": date or utc_timestamp(),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        "accept": "application/json",
    }
    if token is not None:
        headers["x-acs-accesskey-id"] = key_id
        headers["x-acs-security-token"] = token
    headers.update(extra_headers or {})

    request = SimpleNamespace(pathname="/", method="POST", query=query, headers=headers)
    headers["Authorization"] = OpenApiUtil.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], key_id, secret)
    if tamper is not None:
        tamper(query, headers)
    return requests.post(server.url + "/", params=query, headers=headers, data=body,
                         timeout=10)


def tea_client(server, *, v1: bool = False, token: str | None = None,
               secret: str = SECRET, region: str = REGION) -> TeaEcsClient:
    """Return the official ECS SDK client pointed at the emulator (V3, or V1 when asked)."""
    config = open_api_models.Config(
        access_key_id=KEY_ID, access_key_secret=secret, security_token=token,
        endpoint=f"127.0.0.1:{server.port}", protocol="http", region_id=region)
    if v1:
        config.signature_algorithm = "v2"
    return TeaEcsClient(config)


def legacy_client(region: str = REGION, secret: str = SECRET) -> AcsClient:
    """Return the legacy aliyunsdkcore client, without its automatic retries."""
    return AcsClient(KEY_ID, secret, region, auto_retry=False)


def legacy_request(request_class, server, **setters):
    """Build a legacy request aimed at the emulator; setters map set_X names to values."""
    request = request_class()
    request.set_endpoint(f"127.0.0.1:{server.port}")
    request.set_protocol_type("http")
    for name, value in setters.items():
        getattr(request, f"set_{name}")(value)
    return request

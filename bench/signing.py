"""Signatures per second: our V1 and V3 signer against the official SDK's utilities."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from alibabacloud_openapi_util.client import Client as OpenApiUtil

from bench.common import KEY_ID, KEY_SECRET, median
from shared.ecs.signing import ALGORITHM_V3, API_VERSION, EMPTY_BODY_SHA256, authorization_v3, signature_v1

# The parameters of a DescribeInstances call by ID, as the installer sends it.
API_PARAMS = {
    "RegionId": "cn-hangzhou",
    "MaxResults": "100",
    "InstanceIds": '["i-bp1c6kq0k2bsh9y4x3rs","i-bp1c6kq0k2bsh9y4x3rt","i-bp1c6kq0k2bsh9y4x3ru"]',
    "Format": "JSON",
}
V1_PARAMS = {
    **API_PARAMS,
    "Action": "DescribeInstances",
    "Version": API_VERSION,
    "AccessKeyId": KEY_ID,
    "SignatureMethod": "HMAC-SHA1",
    "SignatureVersion": "1.0",
    "SignatureNonce": "3f1c2a9e-5b7d-4c11-9e0f-6a2b8d4c7e15",
    "Timestamp": "2024-05-20T02:15:30Z",
}
V3_HEADERS = {
    "host": "ecs.cn-hangzhou.aliyuncs.com",
    "x-acs-action": "DescribeInstances",
    "x-acs-version": API_VERSION,
    "x-acs-date": "2024-05-20T02:15:30Z",
    "x-acs-signature-nonce": "3f1c2a9e-5b7d-4c11-9e0f-6a2b8d4c7e15",
    "x-acs-content-sha256": EMPTY_BODY_SHA256,
}


def _signers() -> dict[str, tuple[Callable[[], str], Callable[[], str]]]:
    """Return, per version, our signer and the SDK's, each signing the same request."""
    sdk_request = SimpleNamespace(method="POST", pathname="/", query=dict(API_PARAMS), headers=dict(V3_HEADERS))
    return {
        "v1": (lambda: signature_v1("POST", V1_PARAMS, KEY_SECRET),
               lambda: OpenApiUtil.get_rpcsignature(V1_PARAMS, "POST", KEY_SECRET)),
        "v3": (lambda: authorization_v3("POST", API_PARAMS, V3_HEADERS, KEY_ID, KEY_SECRET),
               lambda: OpenApiUtil.get_authorization(sdk_request, ALGORITHM_V3, EMPTY_BODY_SHA256, KEY_ID,
                                                     KEY_SECRET)),
    }


def _rate(sign: Callable[[], str], seconds: float) -> float:
    """Return signatures per second over about `seconds` of calls."""
    count = 0
    batch = 200
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        for _ in range(batch):
            sign()
        count += batch
        elapsed = time.perf_counter() - started
    return count / elapsed


def measure_signing(seconds: float, repeats: int) -> dict[str, Any]:
    """Alternate ours and the SDK's `repeats` times per version; report medians and their ratio."""
    result: dict[str, Any] = {"seconds_per_measurement": seconds, "repeats": repeats}
    for version, (ours, sdk) in _signers().items():
        if ours() != sdk():
            raise RuntimeError(f"our {version} signature differs from the SDK's for the same request")
        ours_rates, sdk_rates = [], []
        for _ in range(repeats):
            ours_rates.append(_rate(ours, seconds))
            sdk_rates.append(_rate(sdk, seconds))
        result[version] = {
            "ours_per_second": round(median(ours_rates)),
            "sdk_per_second": round(median(sdk_rates)),
            "ratio_ours_to_sdk": round(median(ours_rates) / median(sdk_rates), 2),
        }
    return result

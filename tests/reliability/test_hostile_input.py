"""Hostile input to every handler: random bytes, deep nesting, huge arrays, wrong types and look-alike IDs.

scripts/fuzz_handlers.py runs the same strategies for 10,000 cases and more.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.reliability.helpers import new_function
from tests.reliability.hostile import (
    check_invocation,
    check_request,
    event_payloads,
    fleet,
    http_requests,
    sweep_payloads,
    unvalidated_params,
)
from tests.reliability.leaks import register_secret

CASES = 150
HTTP_TOKEN = "hostile-input-token-0123456789"
FUZZ_SETTINGS = settings(max_examples=CASES, deadline=None, derandomize=True,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def fuzz_emulator(emulator_server):
    emulator_server.reset(fleet())
    emulator_server.clear_faults()
    emulator_server.clear_calls()
    yield emulator_server
    assert unvalidated_params(emulator_server.calls()) == []


@pytest.fixture(scope="module")
def events_function(fuzz_emulator):
    function = new_function("instance_events", fuzz_emulator.url, ALLOWED_REGIONS="cn-hangzhou,cn-shanghai")
    yield function
    function.close()


@pytest.fixture(scope="module")
def sweep_function(fuzz_emulator):
    function = new_function("scheduled_sweep", fuzz_emulator.url, SWEEP_REGIONS="cn-hangzhou")
    yield function
    function.close()


@pytest.fixture(scope="module")
def http_function(fuzz_emulator):
    register_secret(HTTP_TOKEN)
    function = new_function("http_api", fuzz_emulator.url, HTTP_AUTH_MODE="token", HTTP_API_TOKEN=HTTP_TOKEN)
    yield function
    function.close()


@FUZZ_SETTINGS
@given(payload=event_payloads)
def test_events_handler_survives_input(events_function, payload):
    assert check_invocation(events_function, payload) == []


@FUZZ_SETTINGS
@given(payload=sweep_payloads)
def test_sweep_handler_survives_input(sweep_function, payload):
    assert check_invocation(sweep_function, payload) == []


@FUZZ_SETTINGS
@given(request=http_requests())
def test_http_handler_survives_input(http_function, request):
    assert check_request(http_function, request, HTTP_TOKEN) == []


def test_calls_carry_validated_values(fuzz_emulator, events_function, http_function):
    events_function.invoke(b'{"specversion":"1.0","id":"x","source":"acs.ecs","type":"ecs:Instance:StateChange",'
                           b'"aliyunregionid":"cn-hangzhou","data":{"content":{"resourceId":"i-bp1aaaaaaaaaaaaaaaaa",'
                           b'"state":"Running"}}}')

    calls = fuzz_emulator.calls()
    assert calls != []
    assert unvalidated_params(calls) == []


def test_call_check_finds_injection():
    calls = [{"action": "DescribeInstances", "params": {"RegionId": "cn-hangzhou&Action=RebootInstances",
                                                        "InstanceIds": '["i-bp1aaaaaaaaaaaaaaaaa\\n"]'}},
             {"action": "TagResources", "params": {"RegionId": "cn-hangzhou", "ResourceId.1": "\u0456-bp1aaaaaaaa"}}]

    assert len(unvalidated_params(calls)) == 3

"""Credential failures and the STS token path, against the emulator over loopback HTTP."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from local.ecs_emulator import EmulatorServer
from shared.credentials import Credentials
from shared.ecs import CredentialError
from tests.ecs.helpers import make_client

STS_TOKEN = "CAIS+token/with=reserved+chars=="
STS_SECRET = "sts-secret-value"


@pytest.fixture(scope="module")
def sts_emulator():
    server = EmulatorServer(port=0, access_key_id="STS.testid", access_key_secret=STS_SECRET,
                            security_token=STS_TOKEN)
    server.start()
    yield server
    server.stop()


def test_wrong_secret_is_credential_error(emulator):
    client = make_client(emulator.url, Credentials("testid", "wrong-secret"))

    with pytest.raises(CredentialError) as raised:
        client.describe_regions()

    assert raised.value.code == "SignatureDoesNotMatch"
    assert raised.value.retryable is False
    assert "access key secret" in str(raised.value)
    assert "wrong-secret" not in str(raised.value)
    assert client.call_counts == {"DescribeRegions": 1}


def test_unknown_key_id_is_credential_error(emulator):
    with pytest.raises(CredentialError) as raised:
        make_client(emulator.url, Credentials("nobody", "testsecret")).describe_regions()
    assert raised.value.code.startswith("InvalidAccessKeyId")
    assert raised.value.http_status == 404


@pytest.mark.parametrize("version", ["v3", "v1"])
def test_sts_token_accepted(sts_emulator, version):
    client = make_client(sts_emulator.url, Credentials("STS.testid", STS_SECRET, STS_TOKEN),
                         signature_version=version)
    assert client.describe_regions()


@pytest.mark.parametrize("version", ["v3", "v1"])
def test_missing_token_rejected(sts_emulator, version):
    client = make_client(sts_emulator.url, Credentials("STS.testid", STS_SECRET), signature_version=version)

    with pytest.raises(CredentialError) as raised:
        client.describe_regions()

    assert "security token" in raised.value.hint


@pytest.mark.parametrize("version", ["v3", "v1"])
def test_wrong_token_hidden_in_error(sts_emulator, version):
    client = make_client(sts_emulator.url, Credentials("STS.testid", STS_SECRET, "CAIS+wrong/token="),
                         signature_version=version)

    with pytest.raises(CredentialError) as raised:
        client.describe_regions()

    text = f"{raised.value} {raised.value.message} {raised.value!r}"
    assert "CAIS+wrong/token=" not in text
    assert STS_SECRET not in text


def test_retry_logs_hold_no_secret(sts_emulator):
    sts_emulator.set_faults([{"kind": "throttle", "action": "DescribeRegions", "nth": [1]}])
    client = make_client(sts_emulator.url, Credentials("STS.testid", STS_SECRET, STS_TOKEN),
                         signature_version="v1")
    try:
        with capture_logs() as logs:
            client.describe_regions()
    finally:
        sts_emulator.clear_faults()

    assert logs
    assert STS_TOKEN not in repr(logs)
    assert STS_SECRET not in repr(logs)

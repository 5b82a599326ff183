"""The FC 2.0 context object: fields, credential sources and repr."""

from __future__ import annotations

import pytest

from local.fc_runtime import Credentials

CREDENTIAL_VARIABLES = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN", "FC_ACCESS_KEY_ID", "FC_ACCESS_KEY_SECRET",
    "FC_SECURITY_TOKEN", "FC_REGION", "FC_ACCOUNT_ID",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_context_fields_from_template(make_instance):
    context = make_instance("echo").new_context("req-1")

    assert context.request_id == "req-1"
    assert context.function.name == "echo"
    assert context.function.handler == "index.handler"
    assert context.function.memory == 256
    assert context.function.timeout == 5
    assert context.function.initializer == "index.initialize"
    assert context.service.name == "fixture-service"
    assert context.service.log_project == "fixture-service-logs"
    assert context.service.log_store == "function-logs"
    assert context.service.qualifier == "LATEST"
    assert context.service.version_id == ""
    assert context.region == "cn-hangzhou"
    assert context.account_id == "1234567890123456"
    assert context.tracing.span_context == ""
    assert context.tracing.jaeger_endpoint == ""
    assert context.tracing.span_baggages == {}


def test_context_request_id_generated(make_instance):
    instance = make_instance("echo")

    first, second = instance.new_context(), instance.new_context()

    assert first.request_id
    assert first.request_id != second.request_id


def test_region_and_account_from_environment(make_instance, monkeypatch):
    monkeypatch.setenv("FC_REGION", "cn-beijing")
    monkeypatch.setenv("FC_ACCOUNT_ID", "5555")

    context = make_instance("echo").new_context()

    assert context.region == "cn-beijing"
    assert context.account_id == "5555"


def test_region_argument_wins(make_instance, monkeypatch):
    monkeypatch.setenv("FC_REGION", "cn-beijing")

    assert make_instance("echo", region="eu-central-1").new_context().region == "eu-central-1"


def test_timeout_override_in_context(make_instance):
    assert make_instance("echo", timeout=0.5).new_context().function.timeout == 0.5


def test_credentials_from_alibaba_cloud_variables(make_instance, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-main")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret-main")
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "token-main")
    monkeypatch.setenv("FC_ACCESS_KEY_ID", "ak-fc")

    credentials = make_instance("echo").new_context().credentials

    assert credentials.access_key_id == "ak-main"
    assert credentials.access_key_secret == "secret-main"
    assert credentials.security_token == "token-main"


def test_credentials_from_fc_variables(make_instance, monkeypatch):
    monkeypatch.setenv("FC_ACCESS_KEY_ID", "ak-fc")
    monkeypatch.setenv("FC_ACCESS_KEY_SECRET", "secret-fc")
    monkeypatch.setenv("FC_SECURITY_TOKEN", "token-fc")

    credentials = make_instance("echo").new_context().credentials

    assert credentials.access_key_id == "ak-fc"
    assert credentials.access_key_secret == "secret-fc"
    assert credentials.security_token == "token-fc"


def test_credentials_from_environment_argument(make_instance):
    environment = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "ak-arg", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"}

    credentials = make_instance("echo", environment=environment).new_context().credentials

    assert credentials.access_key_id == "ak-arg"
    assert credentials.access_key_secret == "s"


def test_explicit_credentials_win(make_instance, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-env")
    explicit = Credentials("ak-explicit", "secret-explicit", "token-explicit")

    context = make_instance("echo", credentials=explicit).new_context()

    assert context.credentials.access_key_id == "ak-explicit"
    assert context.credentials.security_token == "token-explicit"


def test_credentials_missing_are_empty(make_instance):
    credentials = make_instance("echo").new_context().credentials

    assert credentials.access_key_id == ""
    assert credentials.access_key_secret == ""
    assert credentials.security_token == ""


def test_credentials_repr_hides_secrets(make_instance):
    credentials = Credentials("ak-visible", "secret-value-123", "token-value-456")
    context = make_instance("echo", credentials=credentials).new_context()

    for text in (repr(credentials), repr(context), str(context)):
        assert "ak-visible" in text
        assert "secret-value-123" not in text
        assert "token-value-456" not in text

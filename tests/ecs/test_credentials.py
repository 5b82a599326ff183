"""Credential resolution: FC context first, then ALIBABA_CLOUD_*, then FC_*."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from shared.config import ConfigError
from shared.credentials import Credentials, CredentialsMissingError, resolve_credentials


def fc_context(key_id="ctx-id", secret="ctx-secret", token="ctx-token"):
    credentials = SimpleNamespace(access_key_id=key_id, access_key_secret=secret, security_token=token)
    return SimpleNamespace(credentials=credentials)


ALIBABA_ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
    "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token",
}
FC_ENV = {"FC_ACCESS_KEY_ID": "fc-id", "FC_ACCESS_KEY_SECRET": "fc-secret", "FC_SECURITY_TOKEN": "fc-token"}


def test_context_wins_over_environment():
    credentials = resolve_credentials(fc_context(), {**ALIBABA_ENV, **FC_ENV})
    assert credentials == Credentials("ctx-id", "ctx-secret", "ctx-token")


def test_context_as_mapping():
    context = SimpleNamespace(credentials={"access_key_id": "m-id", "access_key_secret": "m-secret"})
    assert resolve_credentials(context, {}) == Credentials("m-id", "m-secret")


def test_empty_context_falls_back():
    credentials = resolve_credentials(fc_context("", "", ""), ALIBABA_ENV)
    assert credentials == Credentials("env-id", "env-secret", "env-token")


def test_alibaba_variables_before_fc():
    credentials = resolve_credentials(SimpleNamespace(), {**ALIBABA_ENV, **FC_ENV})
    assert credentials.access_key_id == "env-id"


def test_fc_variables_last():
    credentials = resolve_credentials(None, FC_ENV)
    assert credentials == Credentials("fc-id", "fc-secret", "fc-token")


def test_token_comes_from_same_source():
    environ = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "env-id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
        "FC_SECURITY_TOKEN": "fc-token",
    }
    assert resolve_credentials(None, environ).security_token is None


def test_empty_token_becomes_none():
    credentials = resolve_credentials(None, {**ALIBABA_ENV, "ALIBABA_CLOUD_SECURITY_TOKEN": ""})
    assert credentials.security_token is None


def test_reads_os_environ_by_default(monkeypatch):
    for name in (*ALIBABA_ENV, *FC_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FC_ACCESS_KEY_ID", "os-id")
    monkeypatch.setenv("FC_ACCESS_KEY_SECRET", "os-secret")
    assert resolve_credentials().access_key_id == "os-id"


def test_missing_credentials_name_variables():
    with pytest.raises(CredentialsMissingError) as raised:
        resolve_credentials(None, {})
    message = str(raised.value)
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "FC_ACCESS_KEY_ID",
                 "FC_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        assert name in message, name


def test_missing_error_is_config_error():
    assert issubclass(CredentialsMissingError, ConfigError)


def test_half_set_pair_is_reported():
    with pytest.raises(CredentialsMissingError) as raised:
        resolve_credentials(None, {"ALIBABA_CLOUD_ACCESS_KEY_ID": "only-id"})
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is empty" in str(raised.value)
    assert "only-id" not in str(raised.value)


def test_half_set_secret_not_shown():
    with pytest.raises(CredentialsMissingError) as raised:
        resolve_credentials(None, {"FC_ACCESS_KEY_SECRET": "hidden-secret"})
    assert "hidden-secret" not in str(raised.value)


def test_repr_masks_secret_and_token():
    text = repr(Credentials("visible-id", "hidden-secret", "hidden-token"))
    assert "visible-id" in text
    assert "hidden-secret" not in text
    assert "hidden-token" not in text


def test_repr_shows_missing_token():
    assert "security_token=None" in repr(Credentials("id", "secret"))


def test_credentials_are_frozen():
    credentials = Credentials("id", "secret")
    with pytest.raises(AttributeError):
        credentials.access_key_secret = "other"


def test_empty_secret_rejected():
    with pytest.raises(ValueError, match="access key secret"):
        Credentials("id", "")

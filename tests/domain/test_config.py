"""Configuration from environment variables: defaults, parsing and clear errors."""

from __future__ import annotations

import pytest

from shared.config import SETTINGS, ConfigError, TagFilter, load_config


def test_defaults_load():
    config = load_config({})

    assert config.reboot_policy == "new-instances"
    assert config.install_batch_size == 50
    assert config.marker_tag_key == "cloud-assistant-autoinstall"
    assert config.sweep_regions == ()
    assert config.http_auth_mode == "fc-signature"


def test_every_setting_has_description():
    for setting in SETTINGS:
        assert setting.description, setting.name
        assert not setting.name.startswith("FC_"), setting.name


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("REBOOT_POLICY", "sometimes", "REBOOT_POLICY='sometimes' is invalid"),
        ("INSTALL_BATCH_SIZE", "51", "INSTALL_BATCH_SIZE=51 is out of range"),
        ("INSTALL_BATCH_SIZE", "ten", "expected a whole number"),
        ("DRY_RUN", "maybe", "DRY_RUN='maybe' is invalid"),
        ("SWEEP_REGIONS", "cn-hangzhou,bad region", "not a region ID"),
        ("ECS_ENDPOINT", "http://ecs.cn-hangzhou.aliyuncs.com", "only for loopback"),
        ("ECS_ENDPOINT", "ecs.cn-hangzhou.aliyuncs.com", "full URL"),
        ("ECS_SIGNATURE_VERSION", "v2", "allowed values: v3, v1"),
        ("MARKER_TAG_KEY", "aliyun-marker", "must not start with 'aliyun'"),
        ("HTTP_AUTH_MODE", "token", "HTTP_API_TOKEN"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD' is invalid"),
    ],
)
def test_invalid_value_names_variable(name, value, fragment):
    with pytest.raises(ConfigError) as raised:
        load_config({name: value})

    assert fragment in str(raised.value)


def test_token_not_in_error_or_repr():
    config = load_config({"HTTP_AUTH_MODE": "token", "HTTP_API_TOKEN": "s3cret-token-value-123"})

    assert "s3cret-token-value-123" not in repr(config)


def test_sweep_regions_must_be_allowed():
    with pytest.raises(ConfigError) as raised:
        load_config({"SWEEP_REGIONS": "cn-beijing", "ALLOWED_REGIONS": "cn-hangzhou"})

    assert "cn-beijing" in str(raised.value)


def test_loopback_http_endpoint_allowed():
    config = load_config({"ECS_ENDPOINT": "http://127.0.0.1:8080/"})

    assert config.ecs_endpoint == "http://127.0.0.1:8080"


def test_tag_scope_include_and_exclude():
    config = load_config({"TAG_INCLUDE": "env=prod,team", "TAG_EXCLUDE": "skip-agent"})

    assert config.tag_include == (TagFilter("env", "prod"), TagFilter("team"))
    assert config.in_scope({"env": "prod"})
    assert config.in_scope({"team": "a"})
    assert not config.in_scope({"env": "dev"})
    assert not config.in_scope({"env": "prod", "skip-agent": ""})


def test_sweep_all_regions():
    config = load_config({"SWEEP_REGIONS": "all"})

    assert config.sweep_all_regions
    assert config.sweep_regions == ()


def test_readme_lists_every_setting():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")

    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default else "(empty)"
        assert f"| `{setting.name}` | {default} |" in readme, setting.name

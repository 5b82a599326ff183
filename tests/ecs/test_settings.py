"""Client settings: endpoints per region and type, and building them from Config."""

from __future__ import annotations

import pytest

from shared.config import ConfigError, load_config
from shared.ecs import ClientSettings


def test_public_regional_endpoint():
    assert ClientSettings().endpoint_for("cn-hangzhou") == "https://ecs.cn-hangzhou.aliyuncs.com"


def test_vpc_regional_endpoint():
    settings = ClientSettings(endpoint_type="vpc")
    assert settings.endpoint_for("ap-southeast-1") == "https://ecs-vpc.ap-southeast-1.aliyuncs.com"


def test_central_endpoint_without_region():
    assert ClientSettings().endpoint_for(None) == "https://ecs.aliyuncs.com"


def test_vpc_without_region_rejected():
    with pytest.raises(ValueError, match="pass a region"):
        ClientSettings(endpoint_type="vpc").endpoint_for(None)


def test_override_applies_to_every_region():
    settings = ClientSettings(endpoint="http://127.0.0.1:9999/")
    assert settings.endpoint_for("cn-shanghai") == "http://127.0.0.1:9999"
    assert settings.endpoint_for(None) == "http://127.0.0.1:9999"


def test_plain_http_only_for_loopback():
    with pytest.raises(ConfigError, match="loopback"):
        ClientSettings(endpoint="http://ecs.example.com")


def test_endpoint_with_path_rejected():
    with pytest.raises(ConfigError, match="without a path"):
        ClientSettings(endpoint="https://ecs.example.com/api")


def test_malformed_region_rejected():
    for region in ("evil.example.com/", "CN-HANGZHOU", "", "cn"):
        with pytest.raises(ValueError, match="region"):
            ClientSettings().endpoint_for(region)


def test_unknown_signature_version_rejected():
    with pytest.raises(ConfigError, match="signature_version"):
        ClientSettings(signature_version="v2")


def test_from_config_copies_ecs_settings():
    config = load_config({
        "ECS_ENDPOINT": "http://localhost:8000",
        "ECS_ENDPOINT_TYPE": "vpc",
        "ECS_SIGNATURE_VERSION": "v1",
        "ECS_CONNECT_TIMEOUT_SECONDS": "1.5",
        "ECS_READ_TIMEOUT_SECONDS": "3",
        "ECS_MAX_ATTEMPTS": "2",
    })
    settings = ClientSettings.from_config(config)
    assert settings == ClientSettings(
        endpoint="http://localhost:8000",
        endpoint_type="vpc",
        signature_version="v1",
        connect_timeout=1.5,
        read_timeout=3.0,
        max_attempts=2,
    )


def test_from_config_defaults():
    assert ClientSettings.from_config(load_config({})) == ClientSettings()

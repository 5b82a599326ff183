"""The functions' environment variables are exactly the settings of shared/config.py."""

from __future__ import annotations

from shared import config
from tests.template.ros import is_intrinsic

# Function Compute reserves these names and the FC_ prefix.
RESERVED_NAMES = {"accessKeyID", "accessKeySecret", "securityToken", "topic"}
CHOICES = {
    "REBOOT_POLICY": config.REBOOT_POLICIES,
    "ECS_ENDPOINT_TYPE": config.ENDPOINT_TYPES,
    "ECS_SIGNATURE_VERSION": config.SIGNATURE_VERSIONS,
    "HTTP_AUTH_MODE": config.HTTP_AUTH_MODES,
    "LOG_LEVEL": config.LOG_LEVELS,
}


def _parameter_name(setting_name: str) -> str:
    return "".join(part.capitalize() for part in setting_name.split("_"))


def _environment(functions) -> dict[str, dict]:
    return {
        name: function["Properties"]["EnvironmentVariables"]
        for name, function in functions.items()
    }


def test_environment_union_is_settings(functions):
    declared = set()
    for variables in _environment(functions).values():
        declared |= set(variables)

    assert declared == config.SETTING_NAMES


def test_http_settings_only_on_http_api(functions):
    for name, variables in _environment(functions).items():
        http_names = {key for key in variables if key.startswith("HTTP_")}
        expected = {key for key in config.SETTING_NAMES if key.startswith("HTTP_")}
        assert http_names == (expected if name == "http_api" else set()), name


def test_environment_values_are_refs(functions):
    for name, variables in _environment(functions).items():
        for key, value in variables.items():
            assert is_intrinsic(value), f"{name}.{key}"
            assert set(value) == {"Ref"}, f"{name}.{key}"


def test_environment_refs_follow_naming(functions):
    for name, variables in _environment(functions).items():
        for key, value in variables.items():
            assert value["Ref"] == _parameter_name(key), f"{name}.{key}"


def test_parameter_defaults_match_config(template):
    parameters = template["Parameters"]

    for setting in config.SETTINGS:
        parameter = parameters[_parameter_name(setting.name)]
        assert parameter["Type"] == "String", setting.name
        assert parameter["Default"] == setting.default, setting.name


def test_parameter_descriptions_match_config(template):
    parameters = template["Parameters"]

    for setting in config.SETTINGS:
        description = parameters[_parameter_name(setting.name)]["Description"]
        assert description == setting.description, setting.name


def test_allowed_values_match_config(template):
    parameters = template["Parameters"]

    for setting_name, choices in CHOICES.items():
        allowed = parameters[_parameter_name(setting_name)]["AllowedValues"]
        assert sorted(allowed) == sorted(choices), setting_name


def test_api_token_not_echoed(template):
    parameters = template["Parameters"]

    assert parameters["HttpApiToken"]["NoEcho"] is True
    for name, parameter in parameters.items():
        if name != "HttpApiToken":
            assert not parameter.get("NoEcho", False), name


def test_defaults_load_as_config(template):
    parameters = template["Parameters"]
    environ = {
        setting.name: parameters[_parameter_name(setting.name)]["Default"]
        for setting in config.SETTINGS
    }

    loaded = config.load_config(environ)

    assert loaded == config.load_config({})


def test_no_reserved_variable_names(functions):
    for name, variables in _environment(functions).items():
        for key in variables:
            assert not key.startswith("FC_"), f"{name}.{key}"
            assert key not in RESERVED_NAMES, f"{name}.{key}"


def test_environment_fits_in_4kb(template, functions):
    # Function Compute limits all variables of a function together to 4 KB. The
    # free-text settings get room for a long value on top of their defaults.
    parameters = template["Parameters"]
    free_text_room = 256

    for name, variables in _environment(functions).items():
        size = 0
        for key, value in variables.items():
            parameter = parameters[value["Ref"]]
            size += len(key) + len(parameter["Default"])
            if "AllowedValues" not in parameter and "AllowedPattern" not in parameter:
                size += free_text_room
        assert size <= 4096, name

"""Every resource type, property and attribute in template.yml is documented for ROS."""

from __future__ import annotations

import re

from tests.template.ros import calls, is_intrinsic, sub_variables

TYPE_CHECKS = {
    "String": (str,),
    "Integer": (int,),
    "Number": (int, float),
    "Boolean": (bool,),
    "Map": (dict,),
    "List": (list,),
}
PSEUDO_PARAMETERS = {
    "ALIYUN::StackName",
    "ALIYUN::StackId",
    "ALIYUN::Region",
    "ALIYUN::AccountId",
    "ALIYUN::TenantId",
    "ALIYUN::NoValue",
}


def _typed(value, type_name: str) -> bool:
    if is_intrinsic(value):
        return True
    if isinstance(value, bool) and type_name in ("Integer", "Number"):
        return False
    return isinstance(value, TYPE_CHECKS[type_name])


def test_resource_types_documented(resources, spec):
    unknown = {res["Type"] for res in resources.values()} - set(spec["resource_types"])

    assert unknown == set()


def test_property_names_documented(resources, spec):
    for name, resource in resources.items():
        documented = spec["resource_types"][resource["Type"]]["properties"]
        unknown = set(resource["Properties"]) - set(documented)
        assert unknown == set(), name


def test_required_properties_present(resources, spec):
    for name, resource in resources.items():
        documented = spec["resource_types"][resource["Type"]]["properties"]
        required = {key for key, prop in documented.items() if prop["required"]}
        missing = required - set(resource["Properties"])
        assert missing == set(), name


def test_property_types_match(resources, spec):
    for name, resource in resources.items():
        documented = spec["resource_types"][resource["Type"]]["properties"]
        for key, value in resource["Properties"].items():
            assert _typed(value, documented[key]["type"]), f"{name}.{key}"


def test_nested_keys_documented(resources, spec):
    for name, resource in resources.items():
        nested = spec["resource_types"][resource["Type"]]["nested"]
        for path, documented in nested.items():
            key = path.removesuffix("[]")
            value = resource["Properties"].get(key)
            if value is None:
                continue
            items = value if path.endswith("[]") else [value]
            for item in items:
                unknown = set(item) - set(documented)
                assert unknown == set(), f"{name}.{path}"
                required = {k for k, prop in documented.items() if prop["required"]}
                assert required <= set(item), f"{name}.{path}"


def test_getatt_attributes_documented(template, resources, spec):
    pairs = [tuple(argument) for argument in calls(template, "Fn::GetAtt")]
    for argument in calls(template, "Fn::Sub"):
        pairs += [tuple(name.split(".", 1)) for name in sub_variables(argument) if "." in name]

    assert pairs
    for resource_name, attribute in pairs:
        assert resource_name in resources, resource_name
        resource_type = resources[resource_name]["Type"]
        assert attribute in spec["resource_types"][resource_type]["attributes"], (
            f"{resource_name}.{attribute}"
        )


def test_references_resolve(template, resources):
    names = list(calls(template, "Ref"))
    for argument in calls(template, "Fn::Sub"):
        names += [name for name in sub_variables(argument) if "." not in name]
    known = set(template["Parameters"]) | set(resources) | PSEUDO_PARAMETERS

    assert names
    assert set(names) - known == set()


def test_conditions_exist(template):
    used = {argument[0] for argument in calls(template, "Fn::If")}

    assert used == set(template["Conditions"])


def test_depends_on_existing_resources(resources):
    for name, resource in resources.items():
        for target in resource.get("DependsOn", []):
            assert target in resources, f"{name} depends on {target}"


def test_every_parameter_used(template):
    used = set(calls(template, "Ref"))
    for argument in calls(template, "Fn::Sub"):
        used |= set(sub_variables(argument))

    assert set(template["Parameters"]) - used == set()


def test_parameter_names_alphanumeric(template, spec):
    pattern = re.compile(spec["limits"]["ParameterName"]["pattern"])

    for name in template["Parameters"]:
        assert pattern.fullmatch(name), name


def test_parameter_defaults_satisfy_constraints(template):
    for name, parameter in template["Parameters"].items():
        if "Default" not in parameter:
            continue
        default = parameter["Default"]
        if "AllowedValues" in parameter:
            assert default in parameter["AllowedValues"], name
        if "AllowedPattern" in parameter:
            assert re.fullmatch(parameter["AllowedPattern"], str(default)), name
        if "MinValue" in parameter:
            assert default >= parameter["MinValue"], name
        if "MaxValue" in parameter:
            assert default <= parameter["MaxValue"], name


def test_allowed_values_are_strings(template):
    # YAML reads a bare true or false as a boolean, which would not match the string default.
    for name, parameter in template["Parameters"].items():
        for value in parameter.get("AllowedValues", []):
            assert isinstance(value, str), name

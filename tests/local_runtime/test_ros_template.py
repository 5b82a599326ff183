"""Loading ROS short forms and resolving template values."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from local.ros_template import (
    DEFAULT_TEMPLATE_PATH,
    RosLoader,
    TemplateError,
    function_names,
    function_spec,
    load_template,
    resolve_value,
)
from tests.local_runtime.conftest import FIXTURE_TEMPLATE


def load_yaml(text: str):
    return yaml.load(textwrap.dedent(text), Loader=RosLoader)  # noqa: S506 - SafeLoader subclass


def test_short_forms_become_full_forms():
    loaded = load_yaml("""
        ref: !Ref Name
        att_dotted: !GetAtt Service.ServiceName
        att_list: !GetAtt [Service, ServiceName]
        sub_text: !Sub 'a-${Name}'
        sub_list: !Sub ['a-${X}', {X: !Ref Name}]
        join: !Join ['-', [a, b]]
        select: !Select [0, [a, b]]
        split: !Split [',', 'a,b']
        if: !If [IsProd, a, b]
        equals: !Equals [a, b]
        not: !Not [!Equals [a, b]]
        and: !And [true, false]
        or: !Or [true, false]
        find: !FindInMap [Map, Top, Second]
        base64: !Base64Encode text
        condition: !Condition IsProd
    """)

    assert loaded["ref"] == {"Ref": "Name"}
    assert loaded["att_dotted"] == {"Fn::GetAtt": ["Service", "ServiceName"]}
    assert loaded["att_list"] == {"Fn::GetAtt": ["Service", "ServiceName"]}
    assert loaded["sub_text"] == {"Fn::Sub": "a-${Name}"}
    assert loaded["sub_list"] == {"Fn::Sub": ["a-${X}", {"X": {"Ref": "Name"}}]}
    assert loaded["join"] == {"Fn::Join": ["-", ["a", "b"]]}
    assert loaded["select"] == {"Fn::Select": [0, ["a", "b"]]}
    assert loaded["split"] == {"Fn::Split": [",", "a,b"]}
    assert loaded["if"] == {"Fn::If": ["IsProd", "a", "b"]}
    assert loaded["equals"] == {"Fn::Equals": ["a", "b"]}
    assert loaded["not"] == {"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}
    assert loaded["and"] == {"Fn::And": [True, False]}
    assert loaded["or"] == {"Fn::Or": [True, False]}
    assert loaded["find"] == {"Fn::FindInMap": ["Map", "Top", "Second"]}
    assert loaded["base64"] == {"Fn::Base64Encode": "text"}
    assert loaded["condition"] == {"Condition": "IsProd"}


def test_get_att_without_dot_rejected():
    with pytest.raises(TemplateError, match="Resource.Attribute"):
        load_yaml("value: !GetAtt Service")


def test_unknown_tag_rejected():
    with pytest.raises(yaml.constructor.ConstructorError):
        load_yaml("value: !NotAFunction x")


TEMPLATE = {
    "Parameters": {
        "Name": {"Type": "String", "Default": "svc"},
        "Size": {"Type": "Number", "Default": 3},
        "Flag": {"Type": "Boolean", "Default": True},
        "NoDefault": {"Type": "String"},
        "Env": {"Type": "String", "Default": "prod"},
    },
    "Mappings": {"Sizes": {"prod": {"memory": 512}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": ["prod", {"Ref": "Env"}]},
        "IsNotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
    },
    "Resources": {
        "Logs": {"Type": "ALIYUN::SLS::Project", "Properties": {"Name": {"Fn::Sub": "${Name}-logs"}}},
        "Role": {"Type": "ALIYUN::RAM::Role", "Properties": {"RoleName": "r"}},
        "Service": {
            "Type": "ALIYUN::FC::Service",
            "Properties": {"ServiceName": {"Ref": "Name"},
                           "LogConfig": {"Project": {"Fn::GetAtt": ["Logs", "Name"]},
                                         "Logstore": "store"}},
        },
    },
}


@pytest.mark.parametrize(("value", "expected"), [
    ({"Ref": "Name"}, "svc"),
    ({"Ref": "Size"}, 3),
    ({"Ref": "ALIYUN::Region"}, "cn-hangzhou"),
    ({"Fn::Sub": "${Name}-${ALIYUN::Region}"}, "svc-cn-hangzhou"),
    ({"Fn::Sub": "${Service.ServiceName}/${Logs.Name}"}, "svc/svc-logs"),
    ({"Fn::Sub": ["${A}-${Name}", {"A": "x"}]}, "x-svc"),
    ({"Fn::Sub": "keep ${!Literal}"}, "keep ${Literal}"),
    ({"Fn::Join": ["-", ["a", {"Ref": "Size"}, {"Ref": "Flag"}]]}, "a-3-true"),
    ({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "b"),
    ({"Fn::If": ["IsProd", "p", "d"]}, "p"),
    ({"Fn::If": ["IsNotProd", "p", "d"]}, "d"),
    ({"Fn::And": [True, {"Condition": "IsProd"}]}, True),
    ({"Fn::Or": [False, {"Condition": "IsNotProd"}]}, False),
    ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "memory"]}, 512),
    ({"Fn::Base64Encode": "hi"}, "aGk="),
    ({"Fn::GetAtt": ["Service", "LogProject"]}, "svc-logs"),
    ({"Fn::GetAtt": ["Service", "Logstore"]}, "store"),
    ({"Fn::GetAtt": ["Role", "RoleName"]}, "r"),
    ({"a": {"Ref": "ALIYUN::NoValue"}, "b": 1}, {"b": 1}),
    ([{"Ref": "ALIYUN::NoValue"}, 1], [1]),
])
def test_resolve_value_cases(value, expected):
    assert resolve_value(TEMPLATE, value) == expected


def test_overrides_replace_defaults():
    overrides = {"Name": "other", "ALIYUN::Region": "cn-shanghai", "Env": "dev"}

    assert resolve_value(TEMPLATE, {"Ref": "Name"}, overrides) == "other"
    assert resolve_value(TEMPLATE, {"Ref": "ALIYUN::Region"}, overrides) == "cn-shanghai"
    assert resolve_value(TEMPLATE, {"Fn::If": ["IsProd", "p", "d"]}, overrides) == "d"


def test_region_from_fc_region(monkeypatch):
    monkeypatch.setenv("FC_REGION", "ap-southeast-1")

    assert resolve_value(TEMPLATE, {"Ref": "ALIYUN::Region"}) == "ap-southeast-1"


@pytest.mark.parametrize(("value", "message"), [
    ({"Ref": "NoDefault"}, "has no Default"),
    ({"Ref": "Service"}, "needs a deployment"),
    ({"Ref": "Missing"}, "unknown name 'Missing'"),
    ({"Fn::GetAtt": ["Role", "Arn"]}, "Role.Arn needs a deployment"),
    ({"Fn::GetAtt": ["Nothing", "Name"]}, "unknown resource 'Nothing'"),
    ({"Fn::If": ["Undeclared", 1, 2]}, "not declared"),
    ({"Fn::FindInMap": ["Sizes", "dev", "memory"]}, "names no entry"),
    ({"Fn::GetAZs": "cn-hangzhou"}, "cannot be resolved locally"),
])
def test_unresolvable_values_raise(value, message):
    with pytest.raises(TemplateError, match=message):
        resolve_value(TEMPLATE, value)


def test_self_referencing_condition_raises():
    template = {"Conditions": {"Loop": {"Condition": "Loop"}}, "Resources": {}}

    with pytest.raises(TemplateError, match="nest deeper"):
        resolve_value(template, {"Condition": "Loop"})


def test_function_spec_reads_fixture():
    spec = function_spec(load_template(FIXTURE_TEMPLATE), "echo")

    assert spec.name == "echo"
    assert spec.handler == "index.handler"
    assert spec.runtime == "python3.10"
    assert spec.memory_size == 256
    assert spec.timeout == 5
    assert spec.initializer == "index.initialize"
    assert spec.initialization_timeout == 5
    assert spec.environment == {"REBOOT_POLICY": "new-instances", "DRY_RUN": "false"}
    assert spec.service_name == "fixture-service"
    assert spec.log_project == "fixture-service-logs"
    assert spec.log_store == "function-logs"


def test_function_spec_defaults():
    spec = function_spec(load_template(FIXTURE_TEMPLATE), "web")

    assert spec.initializer is None
    assert spec.initialization_timeout == 3
    assert spec.environment == {}


def test_function_spec_unknown_name():
    with pytest.raises(TemplateError, match="Functions declared: echo, web, broken"):
        function_spec(load_template(FIXTURE_TEMPLATE), "nothing")


def test_load_template_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="ROS template not found"):
        load_template(tmp_path / "template.yml")


def test_load_template_without_resources(tmp_path):
    path = tmp_path / "template.yml"
    path.write_text("ROSTemplateFormatVersion: '2015-09-01'\n")

    with pytest.raises(TemplateError, match="no Resources mapping"):
        load_template(path)


@pytest.mark.skipif(not DEFAULT_TEMPLATE_PATH.exists(), reason="template.yml not written yet")
def test_repository_template_functions():
    template = load_template()

    assert sorted(function_names(template)) == ["http_api", "instance_events", "scheduled_sweep"]
    for name in function_names(template):
        spec = function_spec(template, name)
        assert spec.handler == "index.handler", name
        assert spec.runtime == "python3.10", name
        assert spec.service_name, name
        assert all(isinstance(value, str) for value in spec.environment.values()), name

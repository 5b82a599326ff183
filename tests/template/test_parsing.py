"""template.yml parses, with ROS functions in short and full form."""

from __future__ import annotations

from tests.template.conftest import TEMPLATE_PATH
from tests.template.ros import walk

PLAIN_TYPES = (dict, list, str, int, float, bool, type(None))


def test_template_format_version(template):
    assert template["ROSTemplateFormatVersion"] == "2015-09-01"


def test_template_sections_known(template):
    known = {
        "ROSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
        "Rules",
    }

    assert set(template) <= known


def test_short_ref_becomes_full_form(resources):
    code = resources["InstanceEventsFunction"]["Properties"]["Code"]

    assert code["OssBucketName"] == {"Ref": "CodeBucket"}


def test_short_getatt_becomes_full_form(resources):
    role = resources["Service"]["Properties"]["Role"]

    assert role == {"Fn::GetAtt": ["FunctionRole", "Arn"]}


def test_short_sub_becomes_full_form(resources):
    name = resources["LogProject"]["Properties"]["Name"]["Fn::If"][1]

    assert name == {"Fn::Sub": "ca-autoinstall-${ALIYUN::AccountId}-${ALIYUN::Region}"}


def test_full_forms_parse_unchanged(resources):
    properties = resources["ScheduledSweepFunction"]["Properties"]

    assert properties["ServiceName"] == {"Fn::GetAtt": ["Service", "ServiceName"]}
    assert properties["Code"]["OssObjectName"] == {"Ref": "ScheduledSweepCodeObject"}
    assert resources["FunctionRole"]["Properties"]["RoleName"] == {
        "Fn::Sub": "cloud-assistant-fc-${ALIYUN::StackId}"
    }


def test_template_uses_both_forms():
    text = TEMPLATE_PATH.read_text(encoding="utf-8")

    for short_form in ("!Ref ", "!GetAtt ", "!Sub "):
        assert short_form in text, short_form
    for full_form in ("Ref:", "Fn::GetAtt:", "Fn::Sub:"):
        assert full_form in text, full_form


def test_parsed_values_are_plain(template):
    odd = [type(node).__name__ for node in walk(template) if not isinstance(node, PLAIN_TYPES)]

    assert odd == []


def test_no_tag_left_as_text(template):
    tagged = [node for node in walk(template) if isinstance(node, str) and node.startswith("!")]

    assert tagged == []


def test_intrinsic_calls_are_single_key(template):
    mixed = [
        node
        for node in walk(template)
        if isinstance(node, dict)
        and len(node) > 1
        and any(key == "Ref" or key.startswith("Fn::") for key in node)
    ]

    assert mixed == []


def test_template_body_within_limit():
    # CreateStack takes a TemplateBody of 1 to 524,288 bytes.
    size = len(TEMPLATE_PATH.read_bytes())

    assert 0 < size <= 524288

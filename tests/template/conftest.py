"""Fixtures for the template tests: the parsed template.yml and the ROS property tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yml"
SPEC_PATH = Path(__file__).with_name("ros_spec.json")


@pytest.fixture(scope="session")
def template() -> dict:
    """template.yml parsed with the ROS loader, so short forms such as !Ref become full forms."""
    from local.ros_template import load_template

    return load_template(TEMPLATE_PATH)


@pytest.fixture(scope="session")
def spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def resources(template) -> dict:
    return template["Resources"]


@pytest.fixture(scope="session")
def functions(resources) -> dict:
    """Function resources keyed by their FunctionName."""
    return {
        resource["Properties"]["FunctionName"]: resource
        for resource in resources.values()
        if resource["Type"] == "ALIYUN::FC::Function"
    }


@pytest.fixture(scope="session")
def triggers(resources) -> dict:
    """Trigger resources keyed by their logical ID."""
    return {
        name: resource
        for name, resource in resources.items()
        if resource["Type"] == "ALIYUN::FC::Trigger"
    }

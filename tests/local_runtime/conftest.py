"""Fixtures that build FC instances of the test handlers in fixture_functions/."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.fc_runtime import FcInstance

HERE = Path(__file__).resolve().parent
FIXTURE_FUNCTIONS = HERE / "fixture_functions"
FIXTURE_TEMPLATE = HERE / "fixture_template.yml"


@pytest.fixture
def make_instance():
    """Return a factory of FcInstance for the fixture functions; closes them after the test."""
    created = []

    def make(function_name: str, **options) -> FcInstance:
        options.setdefault("functions_dir", FIXTURE_FUNCTIONS)
        options.setdefault("template_path", FIXTURE_TEMPLATE)
        instance = FcInstance(function_name, **options)
        created.append(instance)
        return instance

    yield make
    for instance in created:
        instance.close()

"""Functions: names match the code folders, handlers exist, sizes and limits are valid."""

from __future__ import annotations

import ast
import re

from tests.template.conftest import REPO_ROOT

FUNCTIONS_DIR = REPO_ROOT / "functions"
EXPECTED_FUNCTIONS = {"instance_events", "scheduled_sweep", "http_api"}


def _top_level_functions(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_function_names_match_folders(functions):
    folders = {path.name for path in FUNCTIONS_DIR.iterdir() if path.is_dir()}

    assert set(functions) == EXPECTED_FUNCTIONS
    assert set(functions) <= folders


def test_handler_module_exists(functions):
    for name, function in functions.items():
        module, _, _ = function["Properties"]["Handler"].rpartition(".")
        assert (FUNCTIONS_DIR / name / f"{module}.py").is_file(), name


def test_handler_function_defined(functions):
    for name, function in functions.items():
        module, _, handler = function["Properties"]["Handler"].rpartition(".")
        defined = _top_level_functions(FUNCTIONS_DIR / name / f"{module}.py")
        assert handler in defined, name


def test_initializer_defined_when_declared(functions):
    for name, function in functions.items():
        initializer = function["Properties"].get("Initializer")
        if initializer is None:
            continue
        module, _, entry = initializer.rpartition(".")
        assert entry in _top_level_functions(FUNCTIONS_DIR / name / f"{module}.py"), name


def test_handler_is_index_handler(functions):
    for name, function in functions.items():
        assert function["Properties"]["Handler"] == "index.handler", name


def test_runtime_is_python310(functions):
    for name, function in functions.items():
        assert function["Properties"]["Runtime"] == "python3.10", name


def test_memory_size_valid(functions, spec):
    limits = spec["limits"]["MemorySize"]

    for name, function in functions.items():
        memory = function["Properties"]["MemorySize"]
        assert isinstance(memory, int), name
        assert limits["minimum"] <= memory <= limits["maximum"], name
        assert memory % limits["multiple_of"] == 0, name


def test_timeout_valid(functions, spec):
    limits = spec["limits"]["Timeout"]

    for name, function in functions.items():
        timeout = function["Properties"]["Timeout"]
        assert isinstance(timeout, int), name
        assert limits["minimum"] <= timeout <= limits["maximum"], name


def test_sweep_has_longest_timeout(functions):
    timeouts = {name: function["Properties"]["Timeout"] for name, function in functions.items()}

    assert max(timeouts, key=timeouts.get) == "scheduled_sweep"
    assert timeouts["scheduled_sweep"] >= 600


def test_function_names_within_limits(functions, spec):
    pattern = re.compile(spec["limits"]["FunctionName"]["pattern"])

    for name in functions:
        assert pattern.fullmatch(name), name


def test_service_name_default_valid(template, spec):
    pattern = re.compile(spec["limits"]["ServiceName"]["pattern"])

    assert pattern.fullmatch(template["Parameters"]["ServiceName"]["Default"])


def test_role_name_within_limits(resources, spec):
    # A stack ID is a 36-character UUID.
    pattern = re.compile(spec["limits"]["RoleName"]["pattern"])
    role_name = resources["FunctionRole"]["Properties"]["RoleName"]["Fn::Sub"]
    longest = role_name.replace("${ALIYUN::StackId}", "0" * 8 + "-0000" * 3 + "-" + "0" * 12)

    assert pattern.fullmatch(longest)


def test_code_comes_from_oss(template, functions):
    objects = {}
    for name, function in functions.items():
        code = function["Properties"]["Code"]
        assert set(code) == {"OssBucketName", "OssObjectName"}, name
        assert code["OssBucketName"] == {"Ref": "CodeBucket"}, name
        objects[name] = code["OssObjectName"]["Ref"]

    assert len(set(objects.values())) == len(objects)
    for name, parameter in objects.items():
        assert template["Parameters"][parameter]["Default"].endswith(f"/{name}.zip"), name


def test_functions_belong_to_service(functions):
    for name, function in functions.items():
        service = function["Properties"]["ServiceName"]
        assert service == {"Fn::GetAtt": ["Service", "ServiceName"]}, name

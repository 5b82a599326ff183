"""The code zips: layout, excluded files, repeatable bytes and importable handlers."""

from __future__ import annotations

import zipfile

import pytest

from local import package
from tests.packaging.conftest import run_isolated, unpack

FUNCTIONS = ("instance_events", "scheduled_sweep", "http_api")
REQUIRED_ENTRIES = (
    "index.py",
    "shared/__init__.py",
    "shared/config.py",
    "requests/__init__.py",
    "structlog/__init__.py",
    "urllib3/__init__.py",
    "certifi/cacert.pem",
)
FORBIDDEN_TOP_LEVEL = ("tests", "local", ".venv", "functions", "bench", "docs", "bin", "dist")
IMPORT_CHECK = (
    "import sys; sys.path.insert(0, sys.argv[1]); import index; "
    "assert callable(index.handler), 'index.handler is not callable'; "
    "import requests, structlog; print(sys.version_info[:2])"
)


def _names(zip_path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


def test_one_zip_per_function(built_zips):
    assert set(built_zips) == set(FUNCTIONS)
    for name, path in built_zips.items():
        assert path.name == f"{name}.zip"


@pytest.mark.parametrize("function", FUNCTIONS)
def test_zip_has_required_entries(built_zips, function):
    names = set(_names(built_zips[function]))

    for entry in REQUIRED_ENTRIES:
        assert entry in names, entry


@pytest.mark.parametrize("function", FUNCTIONS)
def test_index_is_function_source(built_zips, function):
    source = (package.FUNCTIONS_DIR / function / "index.py").read_bytes()

    with zipfile.ZipFile(built_zips[function]) as archive:
        assert archive.read("index.py") == source


@pytest.mark.parametrize("function", FUNCTIONS)
def test_zip_excludes_development_files(built_zips, function):
    for name in _names(built_zips[function]):
        assert name.split("/")[0] not in FORBIDDEN_TOP_LEVEL, name
        assert "__pycache__" not in name.split("/"), name
        assert not name.endswith((".pyc", ".pyo")), name


@pytest.mark.parametrize("function", FUNCTIONS)
def test_zip_entries_sorted_and_dated(built_zips, function):
    with zipfile.ZipFile(built_zips[function]) as archive:
        infos = archive.infolist()

    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for info in infos:
        assert info.date_time == package.ZIP_TIMESTAMP, info.filename
        assert (info.external_attr >> 16) & 0o777 == package.FILE_MODE, info.filename


@pytest.mark.parametrize("function", FUNCTIONS)
def test_shared_matches_source_tree(built_zips, function):
    expected = {
        "shared/" + path.relative_to(package.SHARED_DIR).as_posix()
        for path in package.SHARED_DIR.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    packaged = {name for name in _names(built_zips[function]) if name.startswith("shared/")}

    assert expected <= packaged


@pytest.mark.parametrize("function", FUNCTIONS)
def test_binary_modules_target_fc(built_zips, function):
    # FC 2.0 python3.10 runs CPython 3.10 on x86_64 Linux.
    binaries = [name for name in _names(built_zips[function]) if name.endswith(".so")]

    for name in binaries:
        assert "cpython-310-x86_64-linux-gnu" in name or ".abi3." in name, name


def test_rebuild_is_byte_identical(built_zips, tmp_path):
    rebuilt = package.build(dist_dir=tmp_path)

    for path in rebuilt:
        assert path.read_bytes() == built_zips[path.stem].read_bytes(), path.name


def test_unknown_function_rejected(tmp_path):
    with pytest.raises(package.PackageError, match="unknown function no_such_function"):
        package.build(["no_such_function"], dist_dir=tmp_path)


def test_cli_prints_path_and_size(tmp_path, capsys):
    exit_code = package.main(["instance_events", "--dist", str(tmp_path)])

    output = capsys.readouterr().out
    size = (tmp_path / "instance_events.zip").stat().st_size
    assert exit_code == 0
    assert f"instance_events.zip  {size} bytes" in output


@pytest.mark.parametrize("function", FUNCTIONS)
def test_handler_imports_from_zip_alone(built_zips, tmp_path, function):
    code_dir = unpack(built_zips[function], tmp_path / "code")
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "testid", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "testsecret"}

    completed = run_isolated(["-c", IMPORT_CHECK, str(code_dir)], env)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "(3, 10)"

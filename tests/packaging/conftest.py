"""Fixtures for the packaging tests: the built zips and a way to run code from them."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from local import package

RUNNER = Path(__file__).with_name("run_in_zip.py")
# Only a guard against a hung child; the tests assert no duration.
CHILD_TIMEOUT_SECONDS = 300


@pytest.fixture(scope="session")
def built_zips(tmp_path_factory) -> dict[str, Path]:
    """Build every function's zip into a temporary dist directory, with the shared pip cache."""
    dist_dir = tmp_path_factory.mktemp("dist")
    outputs = package.build(dist_dir=dist_dir)
    return {path.stem: path for path in outputs}


def unpack(zip_path: Path, target: Path) -> Path:
    """Extract a code zip the way FC does before a cold start: into an empty code directory."""
    target.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
    return target


def run_isolated(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the project's Python 3.10 with -I -S, so that only the standard library is importable."""
    return subprocess.run(
        [sys.executable, "-I", "-S", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )


def invoke_in_zip(code_dir: Path, request: dict, env: dict[str, str], work_dir: Path) -> dict:
    """Invoke the handler in code_dir with one request in a fresh interpreter and return its result."""
    request_file = work_dir / "request.json"
    result_file = work_dir / "result.json"
    request_file.write_text(json.dumps(request), encoding="utf-8")

    completed = run_isolated([str(RUNNER), str(code_dir), str(request_file), str(result_file)], env)

    assert completed.returncode == 0, completed.stderr
    return json.loads(result_file.read_text(encoding="utf-8"))

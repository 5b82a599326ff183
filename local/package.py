"""Build one code zip per function for Function Compute: `python -m local.package`.

Each `dist/<function>.zip` contains the function's folder (`index.py` at the root),
the `shared/` package and the runtime dependencies from `requirements.txt`,
installed as CPython 3.10 wheels for manylinux x86_64, which is what the FC 2.0
`python3.10` runtime runs. FC unpacks the zip into its code directory (/code) and
loads `index.handler` from there, so every import resolves from the root of the zip.

Dependencies are installed once per requirements file into a cache directory,
so repeated runs only rewrite the zips. Zip entries are sorted and carry a
fixed timestamp and mode, so the same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_DIR = REPO_ROOT / "shared"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
DEFAULT_DIST_DIR = REPO_ROOT / "dist"
DEFAULT_CACHE_DIR = DEFAULT_DIST_DIR / ".cache"

# The target of the FC 2.0 python3.10 runtime (Debian 10, x86_64).
PIP_PLATFORM_ARGS = (
    "--platform", "manylinux2014_x86_64",
    "--python-version", "3.10",
    "--implementation", "cp",
    "--only-binary=:all:",
)
# The earliest time a zip entry can carry; any fixed value makes builds repeatable.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644
EXCLUDED_SUFFIXES = (".pyc", ".pyo")
# pip --target puts console scripts in bin/, with a shebang for the build machine.
EXCLUDED_DEPENDENCY_DIRS = frozenset({"bin"})


class PackageError(RuntimeError):
    """A function cannot be packaged: missing source, a failed pip install or a name clash."""


def function_names() -> list[str]:
    """Return the function folders under functions/, sorted."""
    return sorted(
        path.name
        for path in FUNCTIONS_DIR.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_"))
    )


def dependencies_dir(
    cache_dir: Path = DEFAULT_CACHE_DIR, requirements: Path = REQUIREMENTS
) -> Path:
    """Install the runtime dependencies for the FC target once and return their directory.

    The directory name carries a hash of the requirements and the pip target, so a
    changed pin installs afresh and an unchanged one reuses the earlier install.
    """
    text = requirements.read_bytes()
    key = hashlib.sha256(text + " ".join(PIP_PLATFORM_ARGS).encode()).hexdigest()[:16]
    target = cache_dir / f"deps-{key}"
    if target.is_dir():
        return target

    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="deps-", dir=cache_dir))
    command = [
        sys.executable, "-m", "pip", "install",
        "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(staging),
        *PIP_PLATFORM_ARGS,
        "-r", str(requirements),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackageError(
            f"pip install for the FC target failed with exit code {result.returncode}: "
            f"{result.stderr.strip() or result.stdout.strip()}\n"
            "Check that PyPI is reachable and that every pin in "
            f"{requirements.name} has a CPython 3.10 manylinux x86_64 wheel."
        )

    # Rename last, so an interrupted install never leaves a cache entry that looks complete.
    staging.rename(target)
    return target


def _files_under(
    root: Path, prefix: str = "", excluded_top_dirs: frozenset[str] = frozenset()
) -> dict[str, Path]:
    """Map the zip entry name of every file under root to its path, without bytecode."""
    files: dict[str, Path] = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if not path.is_file() or "__pycache__" in relative.parts:
            continue
        if relative.name.endswith(EXCLUDED_SUFFIXES):
            continue
        if len(relative.parts) > 1 and relative.parts[0] in excluded_top_dirs:
            continue
        files[prefix + relative.as_posix()] = path
    return files


def zip_sources(name: str, deps_dir: Path) -> dict[str, Path]:
    """Return the entries of one function's zip: zip entry name to source file."""
    function_dir = FUNCTIONS_DIR / name
    if not (function_dir / "index.py").is_file():
        raise PackageError(
            f"functions/{name}/index.py not found; every function folder needs an index.py "
            "that defines handler"
        )

    entries = _files_under(function_dir)
    layers = (
        ("shared/", _files_under(SHARED_DIR, "shared/")),
        ("dependencies", _files_under(deps_dir, excluded_top_dirs=EXCLUDED_DEPENDENCY_DIRS)),
    )
    for label, files in layers:
        clashes = sorted(set(files) & set(entries))
        if clashes:
            raise PackageError(
                f"{label} of {name} would overwrite {', '.join(clashes[:5])} in the zip; "
                "rename the file in the function folder"
            )
        entries.update(files)
    return entries


def write_zip(entries: dict[str, Path], output: Path) -> Path:
    """Write entries to a zip with sorted names, a fixed timestamp and a fixed mode."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(partial, "w") as archive:
        for entry_name in sorted(entries):
            info = zipfile.ZipInfo(entry_name, date_time=ZIP_TIMESTAMP)
            info.create_system = 3
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[entry_name].read_bytes(), compresslevel=9)

    os.replace(partial, output)
    return output


def build(
    names: Iterable[str] | None = None,
    dist_dir: Path = DEFAULT_DIST_DIR,
    cache_dir: Path = DEFAULT_CACHE_DIR,
) -> list[Path]:
    """Build `<dist_dir>/<function>.zip` for each named function (all by default)."""
    selected = list(names) if names else function_names()
    unknown = sorted(set(selected) - set(function_names()))
    if unknown:
        raise PackageError(
            f"unknown function {', '.join(unknown)}; expected one of {', '.join(function_names())}"
        )

    deps_dir = dependencies_dir(cache_dir)
    return [write_zip(zip_sources(name, deps_dir), dist_dir / f"{name}.zip") for name in selected]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local.package",
        description="Build one Function Compute code zip per function.",
    )
    parser.add_argument("functions", nargs="*", help="function folders to build (default: all)")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST_DIR,
                        help="directory for the zips (default: dist/)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE_DIR,
                        help="directory for the installed dependencies (default: dist/.cache/)")
    args = parser.parse_args(argv)

    try:
        outputs = build(args.functions, args.dist, args.cache_dir)
    except PackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    for output in outputs:
        display_path = output.relative_to(REPO_ROOT) if output.is_relative_to(REPO_ROOT) else output
        print(f"{display_path}  {output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

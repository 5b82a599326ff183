"""Load a function's code files as modules private to one FC instance."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

from local.fc_runtime.errors import FcConfigError, FcInvocationError

_instance_numbers = itertools.count(1)


def next_instance_number() -> int:
    return next(_instance_numbers)


def split_handler(handler: str) -> tuple[str, str]:
    """Split `file.method` (for example `index.handler`) into the file stem and the method."""
    file_stem, dot, method = handler.rpartition(".")
    if not dot or not file_stem or not method:
        raise FcConfigError(f"invalid handler {handler!r}: write it as file.method, "
                            "for example index.handler")
    return file_stem, method


def load_code_module(function_dir: Path, file_stem: str, module_name: str) -> ModuleType:
    """Execute `<function_dir>/<file_stem>.py` as a new module registered as `module_name`.

    Each call gives a fresh module, so two instances never share module-level state.
    An exception raised by the module's code becomes FcInvocationError, as FC reports
    a failed import as an invocation error.
    """
    path = function_dir.joinpath(*file_stem.split(".")).with_suffix(".py")
    if not path.is_file():
        raise FcConfigError(f"handler file not found: {path}. Create it or fix the Handler "
                            "in the template")

    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise FcConfigError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)

    # Registered so that dataclasses, pickle and typing can find the module by name.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as error:
        sys.modules.pop(module_name, None)
        raise FcInvocationError.from_exception(error) from error
    return module


def entry_point(module: ModuleType, method: str, role: str) -> object:
    """Return the callable `method` of `module`, or raise FcConfigError naming the file."""
    function = getattr(module, method, None)
    if not callable(function):
        raise FcConfigError(f"{role} {method!r} not found in {module.__file__}: define "
                            f"def {method}(...) there or fix the template")
    return function

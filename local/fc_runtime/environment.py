"""Apply a function's environment variables to `os.environ` for a while, then restore it.

`os.environ` belongs to the whole process, so every change goes through
`ENVIRONMENT_LOCK`. Two instances that load at the same time therefore never see
each other's variables.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

ENVIRONMENT_LOCK = threading.RLock()


@contextmanager
def applied_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set `variables` in `os.environ` under ENVIRONMENT_LOCK and restore the old values on exit."""
    with ENVIRONMENT_LOCK:
        previous = {name: os.environ.get(name) for name in variables}
        try:
            os.environ.update(variables)
            yield
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

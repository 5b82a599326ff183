#!/usr/bin/env bash
# The project's test command: set up .venv, lint, check deployed code for
# Python 3.10 compatibility, then run the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/venv.sh
.venv/bin/ruff check .
.venv/bin/vermin --no-tips --violations -t=3.10- --backport dataclasses functions shared
.venv/bin/python -m pytest "$@"

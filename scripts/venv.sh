#!/usr/bin/env bash
# Create .venv with Python 3.10 (the FC2 python3.10 runtime's version) and
# install the pinned dependencies. Safe to run again: it reinstalls only when
# a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python310() {
  for candidate in "${PYTHON310:-}" python3.10 /root/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! python310=$(find_python310); then
    echo "error: Python 3.10 not found. FC2's python3.10 runtime is the target, so the" >&2
    echo "tests run on 3.10. Install it (for example 'pyenv install 3.10') or set PYTHON310" >&2
    echo "to its path, then run this again." >&2
    exit 1
  fi
  "$python310" -m venv .venv
fi

stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi

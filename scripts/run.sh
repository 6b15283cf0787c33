#!/usr/bin/env bash
# Start the app from a fresh clone: create .venv with python3 (Debian's own works; its system
# Python refuses `pip install` outside a virtual environment), install the package into it once,
# then run `streamlit run app.py` (bound to localhost by .streamlit/config.toml).
# Extra arguments go to streamlit, e.g. `bash scripts/run.sh --server.port 8502`.
# Environment: PYTHON (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv .venv || {
        echo "run.sh: '$PYTHON -m venv' failed; on Debian or Ubuntu: apt-get install python3-venv" >&2
        exit 1
    }
fi
# Reinstall only when pyproject.toml changed since the last install (the stamp holds its hash).
stamp=".venv/.pm-assistant-installed"
want="$(sha256sum pyproject.toml | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "==> installing the app into .venv (the first time takes a few minutes)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e .
    echo "$want" > "$stamp"
fi
echo "==> starting the app: open the URL below (Ctrl+C stops it)"
exec .venv/bin/streamlit run app.py "$@"

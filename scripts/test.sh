#!/usr/bin/env bash
# Install everything the test suite needs from this repo's own files, then run the whole suite:
#   - the package with its test extra (in .venv unless a virtual environment is already active),
#   - Debian's chromium for the real-browser test (scripts/install_browser.sh),
#   - llama-cpp-python's server and the SmolLM2 model for the real local-server test
#     (scripts/install_local_model.sh; builds from source, a few minutes the first time).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
echo "==> installing the package and test dependencies"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"
echo "==> installing chromium (browser test)"
bash scripts/install_browser.sh
echo "==> installing the local model server (real OpenAI-compatible server test)"
bash scripts/install_local_model.sh
echo "==> ruff"
python -m ruff check .
echo "==> pytest"
python -m pytest "$@"

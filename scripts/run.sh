#!/usr/bin/env bash
# Set up and run the main job on the embedded default (SQLite, bundled demo data).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/whimscreen demo "$@"

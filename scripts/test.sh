#!/usr/bin/env bash
# Set up everything the tests need, then run lint, the layer contracts and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

# PostgreSQL for the storage tests (the tests create their own database)
if command -v pg_ctlcluster >/dev/null 2>&1; then
  cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1" "$2}')
  if [ -n "$cluster" ]; then
    pg_ctlcluster $cluster start 2>/dev/null || true
  fi
fi

.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"

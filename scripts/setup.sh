#!/usr/bin/env bash
# Set up WHIMscreen on a fresh Debian machine: system packages, a virtualenv in .venv, the package.
#   scripts/setup.sh          what the application needs (PDF rendering libraries)
#   scripts/setup.sh --test   also what the tests and benchmarks need (PostgreSQL, Chromium, peers for benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

APP_DEBS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core)
TEST_DEBS=(postgresql chromium poppler-utils minimap2 samtools bcftools tabix nginx-light)
debs=("${APP_DEBS[@]}")
[ "${1:-}" = "--test" ] && debs+=("${TEST_DEBS[@]}")

missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
else
  .venv/bin/python -m pip install -q -e .
fi
echo "setup: done (.venv/bin/whimscreen)"

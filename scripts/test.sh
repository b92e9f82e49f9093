#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs every test with ctest. Non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd "${TESG_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 1200

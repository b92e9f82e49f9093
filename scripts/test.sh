#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs every test with ctest and builds the API
# reference (the `docs` target: Doxygen, every warning an error). Non-zero on any failure.
# TESG_TORCH=pip tests the LibTorch 2.x + CUDA build (build-cuda/) instead of the Debian one.
# Skipped tests (no GPU, no shared data) are listed at the end with their reasons.
set -euo pipefail
cd "$(dirname "$0")/.."
TESG_TOOLS_FOR_TESTS=1 bash scripts/setup.sh
source scripts/build_dir.sh
cd "$(tesg_build_dir)"
status=0
ctest --output-on-failure --timeout 1200 || status=$?
cmake --build . --target docs || { echo "test: the API reference has warnings"; status=1; }
# gtest prints the reason on the line before "[  SKIPPED ] Name (N ms)".
log=Testing/Temporary/LastTest.log
if [ -f "$log" ] && grep -q '^\[  SKIPPED \]' "$log"; then
  echo "Skipped tests and why (${TESG_TORCH:-debian} build):"
  awk '/^\[  SKIPPED \] .* \([0-9]+ ms\)$/ { print "  " $4 ": " previous } { previous = $0 }' "$log"
fi
exit $status

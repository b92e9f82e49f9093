#!/usr/bin/env bash
# The two LibTorch builds side by side on this machine's CPU: bench_network (forward 640x480 and
# 1280x1024, training step B=8 96x96, default model) from build/ (Debian LibTorch 1.13) and from
# build-cuda/ (pip LibTorch 2.x), one after the other, all cores each.
# Usage: bench/bench_builds.sh [bench_network options...]   e.g. --set model.channels=24
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in build build-cuda; do
  if [ ! -x "$dir/bench/bench_network" ]; then
    echo "bench_builds: $dir/bench/bench_network missing (scripts/setup.sh, TESG_TORCH=pip scripts/setup.sh)" >&2
    exit 2
  fi
done
for dir in build build-cuda; do
  echo "### $dir"
  echo
  "$dir/bench/bench_network" "$@"
  echo
done

#!/usr/bin/env bash
# Training throughput of tesg-train: one process (all cores) against N local Gloo ranks (one
# core each), on the bundled checkpoint's recipe for a fixed number of steps, no validation.
# Usage: bench/bench_train.sh [STEPS] [CONFIG]   (defaults 24, configs/tesg_cpu_small.yaml)
# Needs the shared data the config names and a Release build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-24}"
CONFIG="${2:-configs/tesg_cpu_small.yaml}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
CORES=$(nproc)

# Mean images/s over the logged intervals after the first (warm-up) one.
rate() { awk -F, 'NR > 2 { s += $NF; n++ } END { if (n) printf "%.2f", s / n; else print "n/a" }' "$1"; }

run() {  # name, extra flags...
  local name=$1; shift
  local start=$SECONDS
  build/apps/tesg-train --config "$CONFIG" --set output.dir="$OUT/$name" --set train.val_every=0 \
    --set output.log_interval=4 --stop-after-steps "$STEPS" --log-level warn "$@"
  echo "| $name | $(rate "$OUT/$name/log.csv") | $((SECONDS - start)) |"
}

echo "| processes | images/s | wall s ($STEPS steps, incl. start-up) |"
echo "|---|---|---|"
run "1 x $CORES threads"
run "$CORES x 1 thread (Gloo)" --nproc "$CORES" --set train.threads=1
echo
echo "config $CONFIG, $CORES cores"

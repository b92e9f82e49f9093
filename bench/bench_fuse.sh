#!/usr/bin/env bash
# Batch-fusion throughput of tesg-fuse as users run it: images/s, ms per megapixel and peak RSS
# at 640x480 (MSRS test, 21 pairs) and 1280x1024 (LLVIP test, 12 pairs), all CPU threads.
# Usage: bench/bench_fuse.sh [CHECKPOINT] [extra tesg-fuse flags, e.g. --device cuda]
# Needs the shared data (../shared/data or $TESG_SHARED_DIR) and a Release build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKPOINT="${1:-models/tesg_cpu_small.pt}"
shift || true
SHARED="${TESG_SHARED_DIR:-../shared}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

field() { sed -n "s/^  \"$2\": \([0-9.e+-]*\),*$/\1/p" "$1"; }

echo "| frames | pairs | images/s | ms per image | ms per megapixel | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
for set in "MSRS/test 640x480" "LLVIP/test 1280x1024"; do
  read -r dir size <<<"$set"
  build/apps/tesg-fuse --checkpoint "$CHECKPOINT" --data "$SHARED/data/$dir" --out "$OUT/$size" \
    --log-level warn "$@" >/dev/null
  json="$OUT/$size/fuse_summary.json"
  printf "| %s | %s | %.3f | %.0f | %.0f | %.0f |\n" "$size" "$(field "$json" fused)" \
    "$(field "$json" images_per_s)" "$(field "$json" ms_per_image)" \
    "$(field "$json" ms_per_megapixel)" "$(field "$json" peak_rss_mib)"
done
echo
echo "checkpoint $CHECKPOINT, $(nproc) cores; each row is one tesg-fuse process"

#!/usr/bin/env bash
# The main job on the bundled sample pairs (data/samples: MSRS day and night, RoadScene, LLVIP):
# set up if needed, fuse them with the bundled checkpoint at their own size, fuse them with the
# baselines (average and maximum of the luma, and the edge-guided fusion the bundled model
# corrects), score all four with tesg-eval and print the table.
# Usage: scripts/demo.sh [OUTPUT_DIR]   (default runs/demo)
# TESG_TORCH=pip runs it with the LibTorch 2.x build (build-cuda/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OUT="${1:-runs/demo}"
CHECKPOINT=models/tesg_cpu_edge_guided.pt
DATA=data/samples
source scripts/build_dir.sh
BIN=$(tesg_build_dir)/apps

"$BIN/tesg-fuse" --checkpoint "$CHECKPOINT" --data "$DATA" --out "$OUT/fused/TeSG" --grid --overwrite
for rule in avg max edge_guided; do
  "$BIN/tesg-fuse" --baseline "$rule" --data "$DATA" --out "$OUT/fused/$rule" --overwrite --log-level warn
done
"$BIN/tesg-eval" --data "$DATA" --fused "TeSG=$OUT/fused/TeSG" --fused "avg=$OUT/fused/avg" \
  --fused "max=$OUT/fused/max" --fused "edge_guided=$OUT/fused/edge_guided" --out "$OUT/eval"

echo
echo "Fused images:      $OUT/fused/TeSG/<stem>.png (baselines: $OUT/fused/{avg,max,edge_guided})"
echo "Comparison grids:  $OUT/fused/TeSG/grid/<stem>.png, all pairs: $OUT/fused/TeSG/contact_sheet.png"
echo "Metrics:           $OUT/eval/summary.md (+ .csv, .json, per-image CSVs)"

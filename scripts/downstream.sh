#!/usr/bin/env bash
# The paper's downstream detection table in one command: fuse MSRS test with the bundled model
# and the baselines (average and maximum of the luma, edge-guided fusion), run a COCO YOLOv5n
# (TorchScript) on the infrared, visible and every fused image, and score them against MSRS's
# labels (objects seen in either modality) as ultralytics' validator does, with 95 % bootstrap
# intervals and the difference to max fusion.
# Usage: scripts/downstream.sh [OUTPUT_DIR]   (default runs/downstream)
# Environment: TESG_DETECTOR (default ../shared/models/yolov5n_coco.torchscript),
#              TESG_DOWNSTREAM_DATA (default ../shared/data/MSRS/test), TESG_TORCH as for setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OUT="${1:-runs/downstream}"
DATA="${TESG_DOWNSTREAM_DATA:-../shared/data/MSRS/test}"
DETECTOR="${TESG_DETECTOR:-../shared/models/yolov5n_coco.torchscript}"
CHECKPOINT=models/tesg_cpu_edge_guided.pt
source scripts/build_dir.sh
BIN=$(tesg_build_dir)/apps
start=$SECONDS

"$BIN/tesg-fuse" --checkpoint "$CHECKPOINT" --data "$DATA" --out "$OUT/fused/TeSG" --log-level warn
for rule in avg max edge_guided; do
  "$BIN/tesg-fuse" --baseline "$rule" --data "$DATA" --out "$OUT/fused/$rule" --log-level warn
done
fused_s=$((SECONDS - start))
"$BIN/tesg-detect" --detector "$DETECTOR" --data "$DATA" --labels "$DATA/det/fusion" \
  --classes person=0,bicycle=1,car=2 --sources --fused "avg=$OUT/fused/avg" --fused "max=$OUT/fused/max" \
  --fused "edge_guided=$OUT/fused/edge_guided" --fused "TeSG=$OUT/fused/TeSG" --reference max \
  --out "$OUT/detect"

echo
echo "Fusion: ${fused_s} s; fusion + detection table: $((SECONDS - start)) s"
echo "Table:        $OUT/detect/summary.md (+ .csv, .json)"
echo "Detections:   $OUT/detect/<method>/labels/<stem>.txt (YOLO with confidence), <method>/detections.csv"
echo "Pictures:     $OUT/detect/grid/<stem>.png, all pairs: $OUT/detect/contact_sheet.png"

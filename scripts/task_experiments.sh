#!/usr/bin/env bash
# Task-driven training at equal CPU time (docs/notes/task-driven-training.md): the bundled recipe
# (configs/tesg_cpu_edge_guided.yaml) with and without the detection task loss, for each base
# (edge_guided continues the bundled model's last.pt; max and none start from scratch), trained on
# MSRS train + RoadScene train only, two runs at a time on one thread each. Every candidate's final
# weights (no selection on any test pair) are scored on MSRS test with tesg-detect (COCO YOLOv5n,
# bootstrap intervals against max fusion, and each task run paired against its base's run without
# the task loss) and tesg-eval (five metrics + Nabf, SSIM). About 3.5 x MINUTES + 10 minutes.
# Usage: scripts/task_experiments.sh [MINUTES] [OUTPUT_DIR]   (default 20, runs/task_experiments)
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-20}"
OUT="${2:-runs/task_experiments}"
DETECTOR="${TESG_DETECTOR:-../shared/models/yolov5n_coco.torchscript}"
TEST=../shared/data/MSRS/test
source scripts/build_dir.sh
BIN=$(tesg_build_dir)/apps
RECIPE=configs/tesg_cpu_edge_guided.yaml
TASK=(--set loss.task=2.0 --set "loss.task_detector=$DETECTOR" --set loss.task_classes=person=0,bicycle=1,car=2
      --set loss.task_labels=det/fusion --set loss.task_crop=192 --set loss.task_batch=2 --set loss.task_every=2)

run() {  # NAME BASE TASK(0|1)
  local name=$1 base=$2 task=$3 args=(--set "model.base=$base" --set train.val_every=0 --set "output.dir=$OUT/$1")
  [[ $task == 1 ]] && args+=("${TASK[@]}")
  [[ $base == edge_guided ]] && args+=(--resume models/tesg_cpu_edge_guided_last.pt)
  "$BIN/tesg-train" --config "$RECIPE" "${args[@]}" --stop-after-minutes "$MINUTES" --log-level warn \
    > "$OUT/$name.train.log" 2>&1
}

mkdir -p "$OUT"
for base in edge_guided max none; do
  run "${base}_image" "$base" 0 &
  run "${base}_task" "$base" 1 &
  wait
done
fused=()
for base in edge_guided max none; do
  for kind in image task; do
    name=${base}_$kind
    "$BIN/tesg-fuse" --checkpoint "$OUT/$name/last.pt" --data "$TEST" --out "$OUT/fused/$name" --log-level warn
    fused+=(--fused "$name=$OUT/fused/$name")
  done
done
"$BIN/tesg-fuse" --baseline max --data "$TEST" --out "$OUT/fused/max_fusion" --log-level warn
"$BIN/tesg-detect" --detector "$DETECTOR" --data "$TEST" --labels "$TEST/det/fusion" \
  --classes person=0,bicycle=1,car=2 --fused "max=$OUT/fused/max_fusion" "${fused[@]}" --reference max \
  --out "$OUT/detect" --log-level warn
for base in edge_guided max none; do
  "$BIN/tesg-detect" --detector "$DETECTOR" --data "$TEST" --labels "$TEST/det/fusion" \
    --classes person=0,bicycle=1,car=2 --fused "${base}_image=$OUT/fused/${base}_image" \
    --fused "${base}_task=$OUT/fused/${base}_task" --reference "${base}_image" --out "$OUT/detect_pair_$base" \
    --log-level warn
done
"$BIN/tesg-eval" --data "$TEST" --fused "max=$OUT/fused/max_fusion" "${fused[@]}" \
  --metrics EN,SD,SCD,VIF,Qabf,Nabf,SSIM --out "$OUT/eval" --log-level warn
cat "$OUT/detect/summary.md" "$OUT"/detect_pair_*/summary.md "$OUT/eval/summary.md"

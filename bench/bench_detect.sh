#!/usr/bin/env bash
# Speed of tesg-detect against the same detector run from Python (ultralytics' validation
# pipeline, bench/bench_detect.py) at equal threads, on MSRS test (21 pairs, 640x480): the
# infrared and visible images, i.e. 42 images. Prints ms per image of the detector (forward +
# NMS) and the wall time of the whole table (decoding, detection, scoring) for both, and ratios.
# Usage: bench/bench_detect.sh [THREADS] [PYTHON]   (default: all cores; python3 with ultralytics)
# Needs the shared data and model (../shared or $TESG_SHARED_DIR) and a Release build in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${1:-$(nproc)}"
PYTHON="${2:-python3}"
SHARED="${TESG_SHARED_DIR:-../shared}"
DATA="$SHARED/data/MSRS/test"
MODEL="$SHARED/models/yolov5n_coco.torchscript"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

start=$(date +%s.%N)
build/apps/tesg-detect --detector "$MODEL" --data "$DATA" --labels "$DATA/det/fusion" \
  --classes person=0,bicycle=1,car=2 --sources --bootstrap 0 --no-pictures --threads "$THREADS" \
  --out "$OUT/tesg" --log-level warn >/dev/null
tesg_total=$(echo "$(date +%s.%N) - $start" | bc)
tesg_ms=$(sed -n 's/^  "detect_ms_per_image": \([0-9.e+-]*\),*$/\1/p' "$OUT/tesg/summary.json")
py=$("$PYTHON" bench/bench_detect.py "$THREADS" "$MODEL" "$DATA/det/fusion" "$DATA/ir" "$DATA/vi" 2>/dev/null | tail -1)
py_ms=$("$PYTHON" -c "import json,sys; d=json.loads(sys.argv[1]); print(1000*d['detect_s']/d['images'])" "$py")
py_total=$("$PYTHON" -c "import json,sys; print(json.loads(sys.argv[1])['total_s'])" "$py")

echo "| | tesg-detect | Python (ultralytics pipeline) | ratio |"
echo "|---|---|---|---|"
printf "| detector ms per 640x480 image | %.1f | %.1f | %.2fx |\n" "$tesg_ms" "$py_ms" "$(echo "$py_ms / $tesg_ms" | bc -l)"
printf "| table wall time, 42 images (s) | %.2f | %.2f | %.2fx |\n" "$tesg_total" "$py_total" \
  "$(echo "$py_total / $tesg_total" | bc -l)"
echo
echo "$THREADS threads each, $(nproc) cores; YOLOv5n 640x640, conf 0.001, IoU 0.6; Python: $("$PYTHON" -c 'import torch; print("torch", torch.__version__)')"

#!/usr/bin/env bash
# Video fusion throughput of tesg-video as users run it: fused frames per second and the
# real-time factor at 640x480 (the bundled video sample: 60 frames of M3SVD's smoke clip, 30 fps),
# whole job (decode,
# SIG on key frames, flow-carried masks, fusion, H.264 encode), for
#   - the bundled model with key-frame SIG every 1, 10 and 30 frames,
#   - the edge-guided baseline (the rule the bundled model corrects) and max fusion,
#   - the default model (C=48, 4 blocks; weights after one training step: the same cost).
# Usage: bench/bench_video.sh [FRAMES (<= 60)] [extra tesg-video flags, e.g. --device cuda]
# Needs a Release build in build/ ($TESG_BIN overrides the folder of the executables).
set -euo pipefail
cd "$(dirname "$0")/.."
FRAMES="${1:-30}"
shift || true
BIN="${TESG_BIN:-build/apps}"
CLIP=data/video_samples
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
BUNDLED=models/tesg_cpu_edge_guided.pt

# The default model: one training step (batch 2) on the bundled samples gives a checkpoint of its size.
"$BIN/tesg-train" --config configs/tesg_msrs.yaml --set 'data.train=[data/samples]' --set 'data.val=""' --set train.batch=2 \
  --set output.dir="$OUT/default" --set train.resume=never --stop-after-steps 1 --log-level warn >"$OUT/train.log" 2>&1 \
  || { cat "$OUT/train.log"; exit 1; }
DEFAULT=$(ls "$OUT"/default/last.pt)

# row LABEL SIG_EVERY tesg-video method flags...: one tesg-video process over FRAMES frames.
row() {
  local label=$1 every=$2
  shift 2
  local line
  line=$("$BIN/tesg-video" "$@" --ir-video "$CLIP/infrared/0117_1605.mp4" --vi-video "$CLIP/visible/0117_1605.mp4" \
    --count "$FRAMES" --sig-every "$every" --out "$OUT/fused.mp4" --overwrite "${EXTRA[@]}" 2>&1 |
    grep 'frames fused')
  # "N frames fused (K key frames with SIG, D dropped) in S s: X fps, real-time factor R at ..."
  sed -E "s/.* ([0-9]+) frames fused \(([0-9]+) key frames.* in ([0-9.]+) s: ([0-9.]+) fps, real-time factor ([0-9.]+).*/| $label | $every | \1 | \2 | \3 | \4 | \5 |/" <<<"$line"
}
EXTRA=("$@")
echo "| method | SIG every | frames | key frames | seconds | fps | real-time factor |"
echo "|---|---|---|---|---|---|---|"
for every in 1 10 30; do row "bundled (tesg_cpu_edge_guided)" "$every" --checkpoint "$BUNDLED"; done
row "edge-guided baseline" 10 --baseline edge_guided
row "max baseline" 10 --baseline max
row "default model (C=48, 4 blocks)" 10 --checkpoint "$DEFAULT"
echo
echo "640x480, $FRAMES frames of data/video_samples (M3SVD 0117_1605, 30 fps); $(nproc) cores; each row is one tesg-video process"

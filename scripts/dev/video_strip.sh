#!/usr/bin/env bash
# The README's video picture (dev tool; needs Debian's ffmpeg): frames of a clip pair and of its
# fused videos side by side, one row per source or method, labelled.
# Usage: scripts/dev/video_strip.sh OUT.jpg IR_VIDEO VI_VIDEO "FRAME FRAME ..." LABEL=FUSED_VIDEO...
set -euo pipefail
out=$1 ir=$2 vi=$3 frames=$4
shift 4
font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# row LABEL VIDEO: the chosen frames, 320 px wide each, side by side, the label in the first.
row() {
  local label=$1 video=$2 inputs=() k=0
  for f in $frames; do
    ffmpeg -v error -y -i "$video" -vf "select=eq(n\,$f),scale=320:-1" -vframes 1 "$work/$label-$k.png"
    inputs+=(-i "$work/$label-$k.png")
    k=$((k + 1))
  done
  ffmpeg -v error -y "${inputs[@]}" -filter_complex \
    "hstack=inputs=$k,drawtext=fontfile=$font:text='$label':x=8:y=8:fontsize=20:fontcolor=white:box=1:boxcolor=black@0.6" \
    "$work/row-$label.png"
  echo "$work/row-$label.png"
}
rows=("$(row infrared "$ir")" "$(row visible "$vi")")
for method in "$@"; do rows+=("$(row "${method%%=*}" "${method#*=}")"); done
inputs=()
for r in "${rows[@]}"; do inputs+=(-i "$r"); done
ffmpeg -v error -y "${inputs[@]}" -filter_complex "vstack=inputs=${#rows[@]}" -q:v 4 "$out"
echo "$out"

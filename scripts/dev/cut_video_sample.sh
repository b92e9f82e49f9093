#!/usr/bin/env bash
# Writes the bundled video sample data/video_samples/ (dev tool; needs Debian's ffmpeg): frames
# 100-159 (2 s) of M3SVD's smoke clip 0117_1605, people behind smoke seen only in the infrared,
# re-encoded as H.264 (the infrared as gray in yuv420p, as upstream stores it).
set -euo pipefail
cd "$(dirname "$0")/../.."
src=${TESG_SHARED_DIR:-../shared}/data/M3SVD/test
for side in infrared visible; do
  mkdir -p data/video_samples/$side
  ffmpeg -v error -y -i "$src/$side/0117_1605.mp4" -vf "select=between(n\,100\,159),setpts=N/30/TB" -r 30 \
    -c:v libx264 -preset slow -crf 20 -pix_fmt yuv420p -movflags +faststart -an \
    -fflags +bitexact -flags:v +bitexact data/video_samples/$side/0117_1605.mp4
done
(cd data/video_samples && sha256sum infrared/*.mp4 visible/*.mp4 > MANIFEST.sha256)

#!/usr/bin/env bash
# The paper's Table 4 in small: the full model against mgca: false, tivr: false and gaf: false,
# each trained with the same short schedule from the same seed, fused on the MSRS test pairs and
# scored with tesg-eval next to max-luma fusion. Prints the Markdown table and writes it to
# OUT/ablation.md. Needs ../shared/data (MSRS, RoadScene) and a build.
# Usage: scripts/ablation.sh [EPOCHS] [CONFIG] [OUT]   (defaults 6, configs/tesg_cpu_residual.yaml,
#        runs/ablation); TESG_TORCH=pip uses the LibTorch 2.x build (faster on CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-6}
CONFIG=${2:-configs/tesg_cpu_residual.yaml}
OUT=${3:-runs/ablation}
DATA=../shared/data/MSRS/test
source scripts/build_dir.sh
BIN=$(tesg_build_dir)/apps
[ -x "$BIN/tesg-train" ] || bash scripts/setup.sh

variants=("full:" "w/o MGCA:model.mgca=false" "w/o TIVR:model.tivr=false" "w/o GAF:model.gaf=false")
fused=()
for v in "${variants[@]}"; do
  name=${v%%:*} key=${v#*:}
  dir="$OUT/$(echo "$name" | tr -c 'A-Za-z0-9\n' '_')"
  sets=(--set "train.epochs=$EPOCHS" --set train.val_every=0 --set "output.dir=$dir/run")
  [ -n "$key" ] && sets+=(--set "$key")
  if [ ! -f "$dir/run/model.pt" ]; then   # a rerun keeps finished variants
    echo "ablation: training '$name' ($EPOCHS epochs)"
    "$BIN/tesg-train" --config "$CONFIG" "${sets[@]}" --log-level warn
  fi
  "$BIN/tesg-fuse" --checkpoint "$dir/run/model.pt" --data "$DATA" --out "$dir/fused" --log-level warn
  fused+=(--fused "$name=$dir/fused")
done
"$BIN/tesg-fuse" --baseline max --data "$DATA" --out "$OUT/max" --log-level warn
"$BIN/tesg-eval" --data "$DATA" "${fused[@]}" --fused "max fusion=$OUT/max" \
  --metrics EN,SD,SCD,VIF,Qabf --out "$OUT/eval" --log-level warn
{
  echo "Ablation on MSRS test (21 pairs), $CONFIG, $EPOCHS epochs each:"
  echo
  cat "$OUT/eval/summary.md"
} | tee "$OUT/ablation.md"

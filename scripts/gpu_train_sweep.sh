#!/usr/bin/env bash
# Trains several TeSG variants at once on one GPU for SECONDS, then fuses the test splits with
# each run's best.pt and scores them against max and average fusion with tesg-eval.
# Usage: scripts/gpu_train_sweep.sh BIN OUT SECONDS [DEVICE]
#   BIN     folder holding tesg-train, tesg-fuse and tesg-eval
#   OUT     writes OUT/sweep.md (tables), OUT/sweep.tar.gz (configs, logs, val.csv, curves,
#           per-image tables) and OUT/<variant>.pt (each run's best.pt)
#   DEVICE  cuda (default) or cpu (a dry run)
# Variants: VARIANTS below, "name|config|overrides"; each run validates on its config's val split
# (MSRS test; LLVIP train, which no run trains on, for the edge-guided ones) and keeps
# best.pt by vs_max (the worst of EN/SD/SCD/VIF/Qabf relative to max fusion).
# Environment (for a quick dry run on a CPU): TESG_SWEEP_ONLY=N (the first N variants),
# TESG_SWEEP_SET="k=v ..." (overrides for every run), TESG_SWEEP_SPLITS="name=dir ..." (what is
# fused and scored; default MSRS, RoadScene and LLVIP test and the samples),
# TESG_SWEEP_EVAL_SECONDS (kept for fusing and scoring, default 90).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$1 out=$2 seconds=$3 device=${4:-cuda}
runs=$out/sweep
mkdir -p "$runs"
amp=$([ "$device" = cpu ] && echo none || echo bf16)
eval_reserve=${TESG_SWEEP_EVAL_SECONDS:-90}
train_seconds=$((seconds - eval_reserve))
train_data='[../shared/data/MSRS/train,../shared/data/RoadScene/train]'
small="train.epochs=300 train.val_every=50"
large="train.epochs=120 train.val_every=20 train.amp=$amp data.train=$train_data"
VARIANTS=(
  "small_edge|configs/tesg_cpu_edge_guided.yaml|$small"
  "small_res_metric|configs/tesg_cpu_residual.yaml|$small train.lr=1e-5 loss.qabf=1 loss.vif=0.5"
  "small|configs/tesg_cpu_small.yaml|$small train.best_metric=vs_max"
  "paper|configs/tesg_msrs.yaml|$large"
  "edge48|configs/tesg_msrs.yaml|$large model.base=edge_guided train.lr=2e-5 data.val=../shared/data/LLVIP/train"
  "res48_metric|configs/tesg_msrs.yaml|$large model.base=max train.lr=2e-5 loss.qabf=1 loss.vif=0.5"
)
[ -n "${TESG_SWEEP_ONLY:-}" ] && VARIANTS=("${VARIANTS[@]:0:$TESG_SWEEP_ONLY}")
log() { echo "[sweep] $*"; }

# 1. Train every variant at once for the time given (each stops at the first epoch end after it,
#    validating that epoch); a run still going a minute later is killed, its best.pt kept.
minutes=$(awk -v s="$train_seconds" 'BEGIN { printf "%.2f", (s - 45) / 60 }')
log "training ${#VARIANTS[@]} variants for $minutes minutes each on $device"
pids=()
for v in "${VARIANTS[@]}"; do
  IFS='|' read -r name config overrides <<< "$v"
  sets=()
  for kv in $overrides ${TESG_SWEEP_SET:-} train.device=$device train.threads=2 data.workers=2 output.dir=$runs/$name \
            output.log_interval=48 output.save_every=100000; do sets+=(--set "$kv"); done
  timeout -k 10 $((train_seconds + 15)) "$bin/tesg-train" --config "$config" "${sets[@]}" \
    --stop-after-minutes "$minutes" > "$runs/$name.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# 2. Fuse the test splits and the samples with each best.pt (in parallel), and the baselines.
split_list=${TESG_SWEEP_SPLITS:-MSRS=../shared/data/MSRS/test RoadScene=../shared/data/RoadScene/test \
LLVIP=../shared/data/LLVIP/test samples=data/samples}
declare -A splits
order=()
for s in $split_list; do splits[${s%%=*}]=${s#*=}; order+=("${s%%=*}"); done
trained=()
for v in "${VARIANTS[@]}"; do
  name=${v%%|*}
  if [ -f "$runs/$name/best.pt" ]; then trained+=("$name"); else log "$name: no best.pt (see $name.log)"; fi
done
for name in "${trained[@]}"; do
  (for split in "${order[@]}"; do
     "$bin/tesg-fuse" --checkpoint "$runs/$name/best.pt" --data "${splits[$split]}" --device "$device" \
       --threads 2 --out "$runs/fused/$split/$name" --overwrite --log-level warn
   done) >> "$runs/fuse.log" 2>&1 &
done
for split in "${order[@]}"; do
  for rule in max avg; do
    "$bin/tesg-fuse" --baseline "$rule" --data "${splits[$split]}" --out "$runs/fused/$split/$rule" \
      --overwrite --log-level warn >> "$runs/fuse.log" 2>&1
  done
done
wait

# 3. Score: one tesg-eval table per split, and what each run reached.
{
  echo "## Training sweep on $device ($minutes minutes per run, ${#VARIANTS[@]} runs at once)"
  echo
  echo "| run | config | overrides | steps | img/s (last) | best vs_max (epoch) |"
  echo "|---|---|---|---|---|---|"
  for v in "${VARIANTS[@]}"; do
    IFS='|' read -r name config overrides <<< "$v"
    steps=$(tail -n 1 "$runs/$name/log.csv" 2>/dev/null | cut -d, -f1)
    rate=$(tail -n 1 "$runs/$name/log.csv" 2>/dev/null | awk -F, '{print $NF}')
    best=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "vs_max") c = i; next }
                    c && $c > b { b = $c; e = $1 } END { if (c) printf "%.4f (%s)", b, e }' \
           "$runs/$name/val.csv" 2>/dev/null)
    echo "| $name | $config | ${overrides//|/ } | ${steps:-?} | ${rate:-?} | ${best:-none} |"
  done
  for split in "${order[@]}"; do
    fused=()
    for name in "${trained[@]}" max avg; do fused+=(--fused "$name=$runs/fused/$split/$name"); done
    echo
    echo "### $split (${splits[$split]})"
    echo
    "$bin/tesg-eval" --data "${splits[$split]}" "${fused[@]}" --metrics EN,SD,SCD,VIF,Qabf \
      --out "$runs/eval/$split" --log-level warn 2>&1
  done
} > "$out/sweep.md"
for name in "${trained[@]}"; do cp "$runs/$name/best.pt" "$out/$name.pt"; done
tar -C "$runs" -czf "$out/sweep.tar.gz" --exclude=fused --exclude='*.pt' .
cat "$out/sweep.md"

#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer,
# Debian's LibTorch, build-fuzz/) and runs each for TESG_FUZZ_SECONDS (default 60) from its
# corpus fuzz/corpus/<name>, TESG_FUZZ_JOBS targets side by side (default: the core count).
# A crash, an uncaught non-tesg exception, a sanitizer report, a leak, an input taking over 10 s
# or an allocation over 2 GiB fails the run; the input is kept in build-fuzz/findings/<name>/.
# Usage: scripts/fuzz.sh [NAME...]   (default: every target)
# TESG_FUZZ_MERGE=1 merges the new coverage into fuzz/corpus/<name> afterwards (to commit).
set -euo pipefail
cd "$(dirname "$0")/.."
export TESG_FUZZ=1
bash scripts/setup.sh
source scripts/build_dir.sh
build=$(tesg_build_dir)
seconds=${TESG_FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors hf_config sig_cache config checkpoint tokenizer image yolo_labels)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}   # LibTorch's own libraries
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp}
jobs=${TESG_FUZZ_JOBS:-$(nproc)}   # targets fuzzed side by side, one core each

# Fuzzes one target; its verdict goes to $build/findings/NAME/verdict, 0 or 1 to status.
fuzz_one() {
  local name=$1 work=$build/corpus/$1 findings=$build/findings/$1
  mkdir -p "$work" "$findings"
  local log=$findings/fuzz.log verdict=$findings/verdict
  if "$build/fuzz/fuzz_$name" "$work" "fuzz/corpus/$name" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=4096 -malloc_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1 \
       >"$log" 2>&1; then
    runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
    echo "fuzz: $name: ${runs:-?} inputs in ${seconds} s, no finding" >"$verdict"
    echo 0 >"$findings/status"
  else
    { echo "fuzz: $name: FINDING (input and log in $findings/)"; grep -v '^#' "$log" | tail -40; } >"$verdict"
    echo 1 >"$findings/status"
  fi
  if [ "${TESG_FUZZ_MERGE:-0}" = 1 ]; then
    "$build/fuzz/fuzz_$name" -merge=1 "fuzz/corpus/$name" "$work" >/dev/null 2>&1 || echo 1 >"$findings/status"
  fi
}

for ((first = 0; first < ${#targets[@]}; first += jobs)); do
  for name in "${targets[@]:first:jobs}"; do fuzz_one "$name" & done
  wait
done
status=0
for name in "${targets[@]}"; do
  cat "$build/findings/$name/verdict"
  [ "$(cat "$build/findings/$name/status")" = 0 ] || status=1
done
exit $status

#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, AddressSanitizer + UndefinedBehaviorSanitizer,
# Debian's LibTorch, build-fuzz/) and runs each for TESG_FUZZ_SECONDS (default 60) from its
# corpus fuzz/corpus/<name>. A crash, an uncaught non-tesg exception, a sanitizer report, a leak,
# an input taking over 10 s or an allocation over 2 GiB fails the run; the input is kept in
# build-fuzz/findings/<name>/. Usage: scripts/fuzz.sh [NAME...]   (default: every target)
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
status=0
for name in "${targets[@]}"; do
  work=$build/corpus/$name findings=$build/findings/$name
  mkdir -p "$work" "$findings"
  log=$findings/fuzz.log
  if "$build/fuzz/fuzz_$name" "$work" "fuzz/corpus/$name" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=4096 -malloc_limit_mb=2048 -artifact_prefix="$findings/" -print_final_stats=1 \
       >"$log" 2>&1; then
    runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
    echo "fuzz: $name: ${runs:-?} inputs in ${seconds} s, no finding"
  else
    status=1
    echo "fuzz: $name: FINDING (input and log in $findings/)"
    grep -v '^#' "$log" | tail -40
  fi
  if [ "${TESG_FUZZ_MERGE:-0}" = 1 ]; then
    "$build/fuzz/fuzz_$name" -merge=1 "fuzz/corpus/$name" "$work" >/dev/null 2>&1 || status=1
  fi
done
exit $status

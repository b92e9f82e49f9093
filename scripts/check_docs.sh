#!/usr/bin/env bash
# Runs every shell block of README.md and docs/ that is marked runnable (a `<!-- runnable -->`
# line right above its ```sh fence), in file order, from the repository root, against the build
# that TESG_TORCH selects (scripts/setup.sh first when it is missing). Their outputs go under
# runs/readme/ and runs/docs/, cleared first. Non-zero when any block fails; each failure is
# named by file and line. CI runs it after the Debian build's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build_dir.sh
build=$(tesg_build_dir)
[ -f "$build/build.ninja" ] || bash scripts/setup.sh
[ "$build" = build ] || { echo "check_docs: the docs name build/; run it with the Debian build"; exit 2; }
rm -rf runs/readme runs/docs
mkdir -p runs

# blocks FILE: prints "LINE<TAB>command" for each line of each runnable block (continuations joined).
blocks() {
  awk -v OFS='\t' '
    /^<!-- runnable -->$/ { armed = 1; next }
    armed && /^```sh$/ { inside = 1; armed = 0; start = NR + 1; cmd = ""; next }
    inside && /^```$/ { inside = 0; next }
    inside { line = $0; if (cmd == "") at = NR
             if (sub(/\\$/, "", line)) { cmd = cmd line; next }
             cmd = cmd line; print at, cmd; cmd = "" }
    { armed = 0 }' "$1"
}

status=0 count=0
for file in README.md docs/*.md docs/notes/*.md; do
  while IFS=$'\t' read -r line cmd; do
    count=$((count + 1))
    start=$SECONDS
    if bash -euo pipefail -c "$cmd" > runs/check_docs.log 2>&1; then
      echo "check_docs: $file:$line: ok ($((SECONDS - start)) s)"
    else
      status=1
      echo "check_docs: $file:$line: FAILED: $cmd"
      tail -20 runs/check_docs.log
    fi
  done < <(blocks "$file")
done
echo "check_docs: $count runnable commands, $([ $status = 0 ] && echo all passed || echo some FAILED)"
exit $status

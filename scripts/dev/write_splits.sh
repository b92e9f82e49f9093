#!/usr/bin/env bash
# Writes docs/splits/<dataset>_<split>.txt: the pairs of every split the docs' tables use, one
# line per pair (infrared file, visible file, the sha256 of each from the data's MANIFEST.sha256).
# Dev tool. Usage: scripts/dev/write_splits.sh [SHARED_DATA]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared/data}
out=docs/splits
mkdir -p "$out"

# write_split NAME ROOT IR VI: the file names in both ROOT/IR and ROOT/VI, sorted, with the
# sha256 that ROOT/MANIFEST.sha256 lists for each.
write_split() {
  local name=$1 root=$2 ir=$3 vi=$4 file=$out/$1.txt
  local names count
  names=$(comm -12 <(ls "$root/$ir") <(ls "$root/$vi"))
  count=$(echo "$names" | wc -l)
  {
    echo "# $name: $count pairs ($ir, $vi)"
    echo "# infrared visible sha256(infrared) sha256(visible)"
    for f in $names; do
      echo "$ir/$f $vi/$f $(awk -v p="$ir/$f" '$2 == p { print $1 }' "$root/MANIFEST.sha256")" \
           "$(awk -v p="$vi/$f" '$2 == p { print $1 }' "$root/MANIFEST.sha256")"
    done
  } > "$file"
  echo "$file: $count pairs"
}

for split in MSRS/train MSRS/test RoadScene/train RoadScene/test LLVIP/train LLVIP/test TNO/test; do
  write_split "$(echo "$split" | tr / _)" "$shared" "$split/ir" "$split/vi"
done
write_split M3SVD_test "$shared" M3SVD/test/infrared M3SVD/test/visible
write_split samples data/samples ir vi

#!/usr/bin/env bash
# tesg as others build on it (CI runs this after the tests of each build):
#   1. `cmake --install` the build that TESG_TORCH selects into a temporary prefix, compile each
#      installed header on its own against it, run the installed tesg-fuse on a bundled pair, build examples/fuse_pair against the installed tree
#      alone (find_package(tesg)), run it on the same pair: its PNG must equal tesg-fuse's byte
#      for byte; build examples/fuse_video the same way and fuse three frames of the installed
#      video sample with it;
#   2. with --deb (Debian's LibTorch build): `cpack -G DEB`, `apt-get install ./tesg_*.deb`, the
#      same checks with /usr/bin/tesg-fuse and the example built against /usr, then remove it.
# Usage: scripts/package_check.sh [--deb]   (builds first if the build folder is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build_dir.sh
build=$(tesg_build_dir)
[ -f "$build/build.ninja" ] || bash scripts/setup.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ir=data/samples/ir/00055D.png
vi=data/samples/vi/00055D.png
example_args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [ "${TESG_TORCH:-debian}" = pip ]; then  # LibTorch's CMake package looks for CUDA and cuDNN
  export PATH="$PATH:${CUDA_HOME:-/usr/local/cuda}/bin"
  example_args+=(-DTORCH_CUDA_ARCH_LIST=9.0 -DCAFFE2_USE_CUDNN=ON)
fi

# pkg_config PREFIX ARGS...: pkg-config ARGS for tesg with the tesg.pc installed under PREFIX.
pkg_config() {
  local prefix=$1; shift
  PKG_CONFIG_PATH=$(dirname "$(find "$prefix/lib" -name tesg.pc | head -1)") pkg-config "$@" tesg
}

# headers_compile_alone NAME PREFIX: each header under PREFIX/include/tesg, included alone by a
# translation unit built with the installed pkg-config flags, compiles.
headers_compile_alone() {
  local name=$1 prefix=$2 header count=0 flags
  flags=$(pkg_config "$prefix" --cflags)
  for header in "$prefix"/include/tesg/*.h "$prefix"/include/tesg/*/*.h; do
    [ -f "$header" ] || continue
    local include=${header#"$prefix"/include/}
    # shellcheck disable=SC2086
    echo "#include \"$include\"" | g++ -std=c++17 -fsyntax-only -x c++ - $flags \
      || { echo "package_check: $name: installed header $include does not compile on its own"; return 1; }
    count=$((count + 1))
  done
  echo "package_check: $name: $count installed headers, each compiles on its own"
}

# check NAME TESG_FUSE PREFIX: tesg-fuse and the example built against PREFIX, byte for byte.
check() {
  local name=$1 fuse=$2 prefix=$3
  local model=$prefix/share/tesg/models/tesg_cpu_edge_guided.pt
  echo "package_check: $name: $("$fuse" --version)"
  headers_compile_alone "$name" "$prefix" || return 1
  "$fuse" --checkpoint "$model" --ir "$ir" --vi "$vi" --out "$work/$name-tesg-fuse.png" --log-level warn
  cmake -S examples/fuse_pair -B "$work/$name-example" "${example_args[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    > "$work/$name-example.log" 2>&1 || { cat "$work/$name-example.log"; return 1; }
  cmake --build "$work/$name-example" >> "$work/$name-example.log" 2>&1 || { cat "$work/$name-example.log"; return 1; }
  if grep -qE -- "(-I|-isystem )$PWD/(include|src|build)" "$work/$name-example/build.ninja"; then
    echo "package_check: $name: the example's build sees the source tree"; return 1
  fi
  "$work/$name-example/fuse_pair" "$model" "$ir" "$vi" "$work/$name-example.png"
  cmp "$work/$name-tesg-fuse.png" "$work/$name-example.png"
  echo "package_check: $name: examples/fuse_pair output == tesg-fuse output (byte for byte)"
  # The same program built with the flags of the installed pkg-config file.
  # shellcheck disable=SC2046
  g++ -std=c++17 -O2 examples/fuse_pair/fuse_pair.cpp -o "$work/$name-pc" \
    $(pkg_config "$prefix" --cflags --libs)
  "$work/$name-pc" "$model" "$ir" "$vi" "$work/$name-pc.png" > /dev/null
  cmp "$work/$name-tesg-fuse.png" "$work/$name-pc.png"
  echo "package_check: $name: built with pkg-config: same output"
  # The video example (tesg::StreamFuser) on the installed video sample.
  cmake -S examples/fuse_video -B "$work/$name-video" "${example_args[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
    > "$work/$name-video.log" 2>&1 && cmake --build "$work/$name-video" >> "$work/$name-video.log" 2>&1 \
    || { cat "$work/$name-video.log"; return 1; }
  local clip=$prefix/share/tesg/video_samples
  "$work/$name-video/fuse_video" "$model" "$clip/infrared/0117_1605.mp4" "$clip/visible/0117_1605.mp4" \
    "$work/$name-video.avi" 3 | tee "$work/$name-video.out"
  if ! grep -q ": 3 frames" "$work/$name-video.out" || [ ! -s "$work/$name-video.avi" ]; then
    echo "package_check: $name: examples/fuse_video wrote no video"; return 1
  fi
  echo "package_check: $name: examples/fuse_video fused 3 frames of the installed video sample"
}

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
check "install (${TESG_TORCH:-debian})" "$work/prefix/bin/tesg-fuse" "$work/prefix"

if [ "${1:-}" = --deb ]; then
  missing=()
  for p in dpkg-dev file; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  (cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
  deb=$(ls "$PWD/$build"/tesg_*_amd64.deb)
  echo "package_check: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB; Depends: $(dpkg-deb -f "$deb" Depends)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
  status=0
  check deb /usr/bin/tesg-fuse /usr || status=1
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq tesg > /dev/null
  exit $status
fi

#!/usr/bin/env bash
# Installs tesg's Debian 12 dependencies (only those missing) and builds Release into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
# Environment: TESG_BUILD_DIR (default build), TESG_SKIP_APT=1 to skip the package step.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build ccache g++ pkg-config
  libtorch-dev libgloo-dev libopencv-dev libyaml-cpp-dev libspdlog-dev libcli11-dev libgtest-dev
  libopenblas0-pthread   # replaces the reference netlib BLAS that LibTorch would otherwise use
  libtcmalloc-minimal4   # avoids glibc malloc re-faulting the pages of every large tensor
  nlohmann-json3-dev     # safetensors headers, HF config.json, tokenizer vocabularies
  libicu-dev             # Unicode categories and normalisation for the CLIP and BERT tokenizers
)

install_missing_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

[ "${TESG_SKIP_APT:-0}" = 1 ] || install_missing_packages

build_dir=${TESG_BUILD_DIR:-build}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$build_dir"

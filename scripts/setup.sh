#!/usr/bin/env bash
# Installs tesg's Debian 12 dependencies (only those missing) and builds Release.
# Idempotent: a second run installs nothing and rebuilds only what changed.
# Environment:
#   TESG_TORCH      debian (default): Debian's LibTorch 1.13, CPU, into build/
#                   pip: the pinned pip LibTorch 2.x with CUDA, cuDNN and NCCL
#                   (scripts/torch-pip.lock, fetched by scripts/fetch_torch.sh), into build-cuda/
#   TESG_FUZZ=1     the libFuzzer targets of fuzz/ instead (clang, ASan + UBSan, Debian's
#                   LibTorch) into build-fuzz/; scripts/fuzz.sh runs them
#   TESG_TOOLS_FOR_TESTS=1  also the tools the tests launch tesg with: torchrun, Debian's
#                   (python3-torch) for the Debian build, the pinned pip torch's
#                   (scripts/fetch_torchrun.sh) for the pip build; and doxygen for the API
#                   reference (scripts/test.sh sets it)
#   TESG_BUILD_DIR  overrides the build folder; TESG_SKIP_APT=1 skips the package step.
# Extra arguments go to the first cmake configure.
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
source scripts/build_dir.sh
build_dir=$(tesg_build_dir)
torch_flavour=${TESG_TORCH:-debian}
if [ "$torch_flavour" = pip ]; then
  packages+=(unzip)    # unpacks the wheels
  /usr/bin/python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
fi
[ "${TESG_TOOLS_FOR_TESTS:-0}" = 1 ] && packages+=(doxygen)   # the `docs` target
if [ "${TESG_TOOLS_FOR_TESTS:-0}" = 1 ] && [ "$torch_flavour" = debian ]; then
  packages+=(python3-torch)   # torchrun of Debian's PyTorch 1.13, for the cluster tests
fi
fuzz=${TESG_FUZZ:-0}
[ "$fuzz" = 1 ] && packages+=(clang libclang-rt-14-dev)   # libFuzzer and the sanitizer runtimes

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

configure_args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [ "$torch_flavour" = pip ]; then
  export PATH="$PATH:${CUDA_HOME:-/usr/local/cuda}/bin"   # nvcc, found by Torch's CMake package
  torch_prefix=$(bash scripts/fetch_torch.sh)
  # Only host code includes CUDA headers (no kernels of our own): any one architecture will do.
  configure_args+=(-DCMAKE_PREFIX_PATH="$torch_prefix" -DTORCH_CUDA_ARCH_LIST=9.0
                   -DCAFFE2_USE_CUDNN=ON -DTESG_REQUIRE_CUDA=ON)
  if [ "${TESG_TOOLS_FOR_TESTS:-0}" = 1 ]; then
    configure_args+=(-DTESG_TORCHRUN="$(bash scripts/fetch_torchrun.sh)")
  fi
fi

build_target=all
if [ "$fuzz" = 1 ]; then
  export CC=clang CXX=clang++
  configure_args+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESG_FUZZ=ON -DTESG_BUILD_TESTS=OFF
                   -DTESG_BUILD_BENCH=OFF -DTESG_WITH_TCMALLOC=OFF
                   "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link")
  build_target=fuzz_all
fi

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_BASEDIR=$PWD   # paths relative to the checkout: another clone hits the same cache
if [ ! -f "$build_dir/build.ninja" ] || [ "${TESG_TOOLS_FOR_TESTS:-0}" = 1 ]; then
  cmake -S . -B "$build_dir" "${configure_args[@]}" "$@"
fi
cmake --build "$build_dir" --target "$build_target"

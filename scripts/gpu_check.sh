#!/usr/bin/env bash
# Verifies tesg on a GPU machine in one command, in about 8 minutes, writing every number and log
# under $OUT (default runs/gpu_check): the machine, the build against the machine's pip PyTorch
# (LibTorch 2.x with CUDA, cuDNN, NCCL), the whole test suite and the CUDA tests, the network
# benchmark (fusion at 640x480 and 1280x1024, a training step at B=8 96x96; fp32 and bf16;
# images/s, peak GPU memory), and a sustained training-throughput run for the minutes left.
#
# Prepare on the Debian machine first: `bash scripts/gpu_deps.sh` (packs .deps/gpu), then run
# this with .deps/gpu carried along. Without OpenCV's C++ libraries there (too big to carry), the
# GPU build leaves out image I/O and the apps (TESG_WITH_OPENCV=OFF); the OpenCV-dependent CUDA
# tests (tesg-fuse and tesg-train on CUDA) run wherever tesg is built with OpenCV and a GPU.
#
# Environment: OUT, TESG_GPU_CHECK_SECONDS (total budget, default 480), PYTHON (default python3),
# TESG_TORCH_CMAKE (LibTorch's CMake folder instead of the Python torch's; for a dry run here).
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
budget=${TESG_GPU_CHECK_SECONDS:-480}
out=${OUT:-runs/gpu_check}
mkdir -p "$out"
python=${PYTHON:-python3}
build=build-gpu-check
summary="$out/summary.md"
log() { echo "[gpu_check $((SECONDS - start)) s] $*" | tee -a "$out/gpu_check.log"; }
left() { echo $((budget - (SECONDS - start))); }

{
  echo "# tesg GPU check, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo '```'
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
  "$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "nccl", torch.cuda.nccl.version())' 2>&1
  echo "cores $(nproc), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo '```'
} > "$summary"
cat "$summary"

# 1. Dependencies (from scripts/gpu_deps.sh) and the build against the machine's PyTorch.
deps=$PWD/.deps/gpu
if [ ! -f "$deps/root.tar.xz" ]; then
  log "missing $deps/root.tar.xz: run scripts/gpu_deps.sh on the Debian machine and carry .deps/gpu"
  exit 2
fi
mkdir -p "$deps/root" && tar -C "$deps/root" -xJf "$deps/root.tar.xz"
torch_cmake=${TESG_TORCH_CMAKE:-$("$python" -c "import torch; print(torch.utils.cmake_prefix_path)")}
torch_prefix=$(cd "$torch_cmake/../.." && pwd)   # the prefix itself, so that its lib/ is searched first
log "configuring against $torch_prefix"
t0=$SECONDS
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/root/usr" -DTORCH_CUDA_ARCH_LIST=9.0 \
  -DCAFFE2_USE_CUDNN=ON -DTESG_REQUIRE_CUDA=ON -DTESG_WITH_OPENCV=OFF -DTESG_WITH_TCMALLOC=OFF \
  > "$out/configure.log" 2>&1 && cmake --build "$build" -j "$(nproc)" > "$out/build.log" 2>&1
status=$?
echo -e "\n## Build\n\nconfigure + build: $((SECONDS - t0)) s, exit $status (logs: configure.log, build.log)" >> "$summary"
if [ $status -ne 0 ]; then
  tail -30 "$out/configure.log" "$out/build.log"
  log "build failed"
  exit 1
fi
export LD_LIBRARY_PATH="$deps/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
tests=$build/tests/tesg_tests

# 2. Tests: the CUDA ones with the carried SIG fixtures, then the whole (OpenCV-free) suite.
t0=$SECONDS
TESG_SIG_FIXTURES=$deps/sig_fixtures timeout 300 "$tests" --gtest_filter='*Cuda*:TorchBuildTest.*' \
  > "$out/tests_cuda.log" 2>&1
cuda_status=$?
timeout "$(( $(left) > 360 ? 240 : 120 ))" "$tests" --gtest_filter='-*Cuda*:ClipTextModelTest.*:UNetTest.*' \
  > "$out/tests_all.log" 2>&1
all_status=$?
{
  echo -e "\n## Tests ($((SECONDS - t0)) s)\n"
  echo "CUDA tests: exit $cuda_status; $(grep -E '^\[  (PASSED|FAILED) \]' "$out/tests_cuda.log" | tr '\n' ' ')"
  grep -E '^\[ +(OK|FAILED|SKIPPED) +\]' "$out/tests_cuda.log" | sed 's/^/    /'
  echo
  echo "Whole suite (CPU; SIG fixture tests other than CLIP/UNet skip): exit $all_status; $(grep -E '^\[  (PASSED|FAILED) \]' "$out/tests_all.log" | tr '\n' ' ')"
} >> "$summary"
log "tests: cuda exit $cuda_status, suite exit $all_status"

# 3. Benchmarks of the default network (C=48, 4 blocks), fp32 and bf16.
t0=$SECONDS
timeout 240 "$build/bench/bench_network" --device cuda --precision fp32,bf16 --repeat 10 \
  > "$out/bench_network.md" 2> "$out/bench_network.err"
echo -e "\n## Network benchmark ($((SECONDS - t0)) s)\n\n$(cat "$out/bench_network.md")" >> "$summary"
log "benchmark done"

# 4. Sustained training throughput of the default model for the time left (bf16, B=8, 96x96).
steps_left=$(( $(left) - 30 ))
if [ "$steps_left" -gt 30 ]; then
  t0=$SECONDS
  timeout "$steps_left" "$build/bench/bench_network" --device cuda --precision bf16 --workloads train \
    --repeat 2000 --max-seconds $((steps_left - 15)) > "$out/train_sustained.md" 2>&1
  echo -e "\n## Sustained training steps, bf16 ($((SECONDS - t0)) s)\n\n$(cat "$out/train_sustained.md")" >> "$summary"
fi
log "done in $((SECONDS - start)) s"
cat "$summary"
[ $cuda_status -eq 0 ] && [ $all_status -eq 0 ]

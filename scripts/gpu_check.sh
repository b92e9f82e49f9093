#!/usr/bin/env bash
# Verifies tesg on a GPU machine in one command, in about 9 minutes, writing every number and log
# under $OUT (default runs/gpu_check): the machine, the build (LibTorch 2.x with CUDA, cuDNN,
# NCCL), the CUDA tests, the network benchmark (fusion at 640x480 and 1280x1024, a training step
# at B=8 96x96; fp32 and bf16; images/s, peak GPU memory), the video benchmark (bench/bench_video.sh,
# fps at 640x480 with key-frame SIG every 1, 10, 30 frames), then, where the apps are there, a
# sweep of training runs on the GPU (scripts/gpu_train_sweep.sh) for the minutes left; otherwise
# a sustained training-throughput run.
#
# Two ways to bring tesg there, prepared on the Debian machine:
# - prebuilt (apps included): `bash scripts/gpu_prebuilt.sh` packs this machine's CUDA build
#   (build-cuda, against the pip torch of the GPU machine's version) with its libraries and the
#   data; carry .deps/gpu-run.
# - built there: `bash scripts/gpu_deps.sh` packs the small dependencies; carry .deps/gpu. Without
#   OpenCV's C++ libraries there, that build leaves out image I/O and the apps
#   (TESG_WITH_OPENCV=OFF), so no training sweep.
#
# Environment: OUT, TESG_GPU_CHECK_SECONDS (total budget, default 540), PYTHON (default python3),
# TESG_GPU_CHECK_DEVICE (default cuda; cpu for a dry run here), TESG_TORCH_CMAKE (LibTorch's
# CMake folder instead of the Python torch's; for a dry run of the build here), TESG_TORCH_LIB
# (LibTorch's lib/ for the prebuilt binaries instead of the Python torch's).
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
budget=${TESG_GPU_CHECK_SECONDS:-540}
out=${OUT:-runs/gpu_check}
device=${TESG_GPU_CHECK_DEVICE:-cuda}
work=$out/work  # everything but the summary, checkpoints and logs.tar.gz
mkdir -p "$work"
out=$(cd "$out" && pwd) work=$(cd "$work" && pwd)
python=${PYTHON:-python3}
summary="$out/summary.md"
log() { echo "[gpu_check $((SECONDS - start)) s] $*" | tee -a "$work/gpu_check.log"; }
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
torch_lib=${TESG_TORCH_LIB:-$("$python" -c "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))")}

# 1. The build: carried (scripts/gpu_prebuilt.sh) or made here against the machine's PyTorch.
prebuilt=$PWD/.deps/gpu-run
deps=$PWD/.deps/gpu
if [ -f "$prebuilt/run.tar.xz" ]; then
  tar -C "$prebuilt" -xJf "$prebuilt/run.tar.xz"
  bin=$prebuilt/run/bin
  export LD_LIBRARY_PATH="$prebuilt/run/lib:$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  [ -e ../shared ] || ln -s "$prebuilt/shared" ../shared || log "cannot link ../shared: no data for the configs"
  export TESG_SHARED_DIR=$prebuilt/shared TESG_SIG_FIXTURES=$prebuilt/shared/fixtures/sig
  echo -e "\n## Build\n\nprebuilt here (scripts/gpu_prebuilt.sh), run against $torch_lib" >> "$summary"
  log "prebuilt binaries in $bin"
else
  if [ ! -f "$deps/root.tar.xz" ]; then
    log "missing $prebuilt/run.tar.xz or $deps/root.tar.xz: run scripts/gpu_prebuilt.sh or scripts/gpu_deps.sh on the Debian machine and carry .deps/gpu-run or .deps/gpu"
    exit 2
  fi
  build=build-gpu-check
  mkdir -p "$deps/root" && tar -C "$deps/root" -xJf "$deps/root.tar.xz"
  torch_cmake=${TESG_TORCH_CMAKE:-$("$python" -c "import torch; print(torch.utils.cmake_prefix_path)")}
  torch_prefix=$(cd "$torch_cmake/../.." && pwd)   # the prefix itself, so that its lib/ is searched first
  log "configuring against $torch_prefix"
  t0=$SECONDS
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/root/usr" -DTORCH_CUDA_ARCH_LIST=9.0 \
    -DCAFFE2_USE_CUDNN=ON -DTESG_REQUIRE_CUDA=ON -DTESG_WITH_OPENCV=OFF -DTESG_WITH_TCMALLOC=OFF \
    > "$work/configure.log" 2>&1 && cmake --build "$build" -j "$(nproc)" > "$work/build.log" 2>&1
  status=$?
  echo -e "\n## Build\n\nconfigure + build: $((SECONDS - t0)) s, exit $status (logs: configure.log, build.log)" >> "$summary"
  if [ $status -ne 0 ]; then
    tail -30 "$work/configure.log" "$work/build.log"
    log "build failed"
    exit 1
  fi
  export LD_LIBRARY_PATH="$deps/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export TESG_SIG_FIXTURES=$deps/sig_fixtures
  mkdir -p "$build/bin" && bin=$PWD/$build/bin
  find "$build/apps" "$build/bench" "$build/tests" -maxdepth 1 -type f -perm -u+x -exec ln -sf "$PWD/{}" "$bin/" \; 2>/dev/null
fi
tests=$bin/tesg_tests

# 2. The CUDA tests (with the apps there, the trainer's and the fuser's too).
t0=$SECONDS
timeout 150 "$tests" --gtest_filter='*Cuda*:TorchBuildTest.*' > "$work/tests_cuda.log" 2>&1
cuda_status=$?
{
  echo -e "\n## CUDA tests ($((SECONDS - t0)) s)\n"
  echo "exit $cuda_status; $(grep -E '^\[  (PASSED|FAILED) \]' "$work/tests_cuda.log" | tr '\n' ' ')"
  grep -E '^\[ +(OK|FAILED|SKIPPED) +\]' "$work/tests_cuda.log" | sed 's/^/    /'
} >> "$summary"
log "CUDA tests: exit $cuda_status"

# 3. Benchmarks of the default network (C=48, 4 blocks), fp32 and bf16.
t0=$SECONDS
precisions=$([ "$device" = cpu ] && echo fp32 || echo fp32,bf16)
timeout 120 "$bin/bench_network" --device "$device" --precision "$precisions" --repeat 10 --max-seconds 5 \
  > "$work/bench_network.md" 2> "$work/bench_network.err"
echo -e "\n## Network benchmark ($((SECONDS - t0)) s)\n\n$(cat "$work/bench_network.md")" >> "$summary"
log "benchmark done"

# 3b. Video: fused frames per second at 640x480 with key-frame SIG every 1, 10 and 30 frames.
if [ -x "$bin/tesg-video" ]; then
  t0=$SECONDS
  TESG_BIN=$bin timeout 150 bash bench/bench_video.sh 60 --device "$device" > "$work/bench_video.md" 2>&1
  echo -e "\n## Video benchmark ($((SECONDS - t0)) s)\n\n$(cat "$work/bench_video.md")" >> "$summary"
  log "video benchmark done"
fi

# 4. Training for the time left: a sweep of variants where the apps are there, else the
#    sustained training throughput of the default model (bf16, B=8, 96x96).
t0=$SECONDS
train_left=$(( $(left) - 20 ))
if [ -x "$bin/tesg-train" ] && [ "$train_left" -gt 150 ]; then
  bash scripts/gpu_train_sweep.sh "$bin" "$work" "$train_left" "$device" > "$work/sweep.log" 2>&1
  echo -e "\n$(cat "$work/sweep.md" 2>/dev/null || tail -20 "$work/sweep.log")\n\n($((SECONDS - t0)) s)" >> "$summary"
  mkdir -p "$out/checkpoints" && mv "$work"/*.pt "$out/checkpoints/" 2>/dev/null
elif [ "$train_left" -gt 30 ]; then
  timeout "$train_left" "$bin/bench_network" --device "$device" --precision bf16 --workloads train \
    --repeat 2000 --max-seconds $((train_left - 15)) > "$work/train_sustained.md" 2>&1
  echo -e "\n## Sustained training steps, bf16 ($((SECONDS - t0)) s)\n\n$(cat "$work/train_sustained.md")" >> "$summary"
fi
log "done in $((SECONDS - start)) s"
# What comes back from a device machine is a few files: the summary, the logs in one archive and
# the checkpoints.
tar -C "$work" -czf "$out/logs.tar.gz" --exclude='*.pt' --exclude=fused --exclude=run --exclude=bin . && rm -rf "$work"
cat "$summary"
[ $cuda_status -eq 0 ]

#include "tesg/runtime.h"

#include <ATen/Parallel.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <spdlog/fmt/fmt.h>
#include <torch/cuda.h>
#include <torch/version.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

namespace tesg {

int share_of_cores(int processes) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, processes));
}

int configure_threads(int requested, int processes) {
  const int threads = requested > 0 ? requested : share_of_cores(processes);
  at::set_num_threads(threads);
  return at::get_num_threads();
}

double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

TorchBuild torch_build() {
  TorchBuild build;
  build.version = TORCH_VERSION;
  // libtorch_cuda registers the CUDA device guard when it is loaded, with or without a GPU.
  build.cuda = c10::impl::hasDeviceGuardImpl(c10::DeviceType::CUDA);
  build.cuda_devices = build.cuda ? static_cast<int>(torch::cuda::device_count()) : 0;
  return build;
}

std::string describe(const TorchBuild& build) {
  if (!build.cuda) return fmt::format("LibTorch {}, CPU only", build.version);
  return fmt::format("LibTorch {}, CUDA backend, {} GPU{}", build.version, build.cuda_devices,
                     build.cuda_devices == 1 ? "" : "s");
}

void setup_logging(const std::string& level) {
  spdlog::set_pattern("[%H:%M:%S] [%^%l%$] %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace tesg

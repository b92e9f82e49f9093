#pragma once
// Process-wide runtime settings of the apps: threads and logging.
#include <string>

namespace tesg {

/// The machine's cores shared evenly by the `processes` running on it (ranks of one job), at
/// least 1.
int share_of_cores(int processes = 1);

/// Sets LibTorch's intra-op thread count: `requested` when > 0, else share_of_cores(processes)
/// (LibTorch's own default is 1 here). Returns the count in effect.
int configure_threads(int requested = 0, int processes = 1);

/// Peak resident memory of this process so far in MiB (Linux VmHWM; 0 where unknown).
double peak_rss_mib();

/// Peak memory held by LibTorch's CUDA allocator on GPU `device` since the process started, in
/// MiB (0 without CUDA).
double cuda_peak_memory_mib(int device = 0);

/// The LibTorch this process runs on.
struct TorchBuild {
  std::string version;   ///< e.g. "1.13.0" (Debian) or "2.11.0" (pip)
  bool cuda = false;     ///< LibTorch's CUDA backend is linked in (whether or not a GPU is present)
  int cuda_devices = 0;  ///< GPUs visible to this process
};
TorchBuild torch_build();

/// One line for logs: "LibTorch 2.11.0, CUDA backend, 1 GPU" / "LibTorch 1.13.0, CPU only".
std::string describe(const TorchBuild& build);

/// Console logging for the apps: "[time] [level] message", at `level` (debug, info, warn, error).
void setup_logging(const std::string& level = "info");

}  // namespace tesg

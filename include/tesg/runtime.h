#pragma once
// Process-wide runtime settings of the apps: threads and logging.
#include <string>

namespace tesg {

/// Sets LibTorch's intra-op thread count: `requested` when > 0, else every core of the machine
/// (LibTorch's own default is 1 here). Returns the count in effect.
int configure_threads(int requested = 0);

/// Peak resident memory of this process so far in MiB (Linux VmHWM; 0 where unknown).
double peak_rss_mib();

/// Console logging for the apps: "[time] [level] message", at `level` (debug, info, warn, error).
void setup_logging(const std::string& level = "info");

}  // namespace tesg

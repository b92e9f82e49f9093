#pragma once
// Process-wide runtime settings that matter for speed on CPU.

namespace tesg {

/// Sets LibTorch's intra-op thread count: `requested` when > 0, else every core of the machine
/// (LibTorch's own default is 1 here). Returns the count in effect.
int configure_threads(int requested = 0);

}  // namespace tesg

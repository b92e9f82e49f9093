#pragma once
// `tesg-train --nproc N`: runs N local ranks of this program, as torchrun would.
#include <string>
#include <vector>

namespace tesg::train {

/// Starts `argv` (argv[0] = this program) `nproc` times with RANK, LOCAL_RANK, WORLD_SIZE,
/// MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in the environment, waits, and stops the other
/// ranks as soon as one fails. Returns 0 when every rank succeeded, else the first failing
/// rank's exit status (1 when it was killed by a signal).
int run_local_ranks(const std::vector<std::string>& argv, int nproc);

}  // namespace tesg::train

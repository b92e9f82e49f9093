#pragma once
// `tesg-train --nproc N`: runs N local ranks of this program, as torchrun would.
#include <optional>
#include <string>
#include <vector>

namespace tesg::cluster {

/// Starts `argv` (argv[0] = this program) `nproc` times with RANK, LOCAL_RANK, WORLD_SIZE,
/// MASTER_ADDR=127.0.0.1 and a free MASTER_PORT in the environment, waits, and stops the other
/// ranks as soon as one fails. SIGTERM, SIGUSR1 and SIGINT are passed on to the ranks. Returns 0
/// when every rank succeeded, kExitStoppedBySignal when they stopped on a signal, else the first
/// failing rank's exit status (1 when it was killed by a signal).
int run_local_ranks(const std::vector<std::string>& argv, int nproc);

/// The apps' `--nproc N`: when N > 1 and no launcher started this process (rank_environment.h),
/// runs N local ranks of it (run_local_ranks) and returns their status; otherwise nullopt, and
/// the caller goes on as the rank the environment names.
std::optional<int> run_local_ranks_if_asked(int argc, char** argv, int nproc);

/// A TCP port of this machine that is free right now (the OS picks it).
int free_port();

}  // namespace tesg::cluster

#pragma once
// Who this process is in a multi-process job, read from what its launcher exports, as PyTorch's
// env:// initialisation reads it:
//   torchrun (and tesg's --nproc): RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR,
//     MASTER_PORT, TORCHELASTIC_USE_AGENT_STORE, TORCHELASTIC_RESTART_COUNT
//   Slurm's srun (no RANK set): SLURM_PROCID, SLURM_STEP_NUM_TASKS or SLURM_NTASKS, SLURM_LOCALID,
//     SLURM_STEP_TASKS_PER_NODE or SLURM_TASKS_PER_NODE (its first count, "4(x2)" -> 4),
//     the first host of SLURM_STEP_NODELIST or SLURM_JOB_NODELIST, and a port from SLURM_JOB_ID
//     (MASTER_ADDR / MASTER_PORT win when set).
#include <map>
#include <string>

namespace tesg::cluster {

/// The rendezvous port of a Slurm job when MASTER_PORT is unset: the same on every node of the
/// job, different for jobs that share a node.
inline constexpr int kSlurmPortBase = 20000, kSlurmPortSpan = 20000;
inline constexpr int kDefaultMasterPort = 29500;  // torchrun's default

struct RankEnvironment {
  std::string launcher = "none";  ///< none | env (torchrun, --nproc, any env:// launcher) | slurm
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;             ///< the GPU of this process
  int local_world_size = 1;       ///< ranks on this machine (they share its cores)
  std::string master_addr = "127.0.0.1";
  int master_port = kDefaultMasterPort;
  bool agent_store = false;       ///< torchrun's agent hosts the TCPStore: every rank a client
  int restart_count = 0;          ///< TORCHELASTIC_RESTART_COUNT: this attempt's store prefix
  bool distributed() const { return world_size > 1; }
};

using Environment = std::map<std::string, std::string>;

/// This process's environment variables.
Environment process_environment();

/// The rank of a process with environment `env`. Throws tesg::Error naming a missing or
/// malformed variable (e.g. "RANK=3 is outside WORLD_SIZE=2").
RankEnvironment rank_environment(const Environment& env);
/// This process's rank, read from its environment at the first call (the launcher sets it before
/// the process starts) and kept.
const RankEnvironment& rank_environment();

/// The first host of a Slurm host list: "gpu[01-04,07],cpu1" -> "gpu01",
/// "rack[2-3]-n[08-09]" -> "rack2-n08", "node7" -> "node7". Throws tesg::Error on an unbalanced
/// bracket or an empty list.
std::string first_slurm_host(const std::string& nodelist);

}  // namespace tesg::cluster

#pragma once
// The launchers the cluster tests start tesg with: the real torchrun, and the environment srun
// gives its tasks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tesg/cluster/launcher.h"

namespace tesg::test {

/// The torchrun of this build's PyTorch (TESG_TORCHRUN in tests/CMakeLists.txt: Debian's
/// python3-torch for the Debian build, the pinned pip torch's for the pip build), "" when the
/// configure step found none.
inline std::string torchrun_path() {
  const std::string path = TESG_TORCHRUN_BIN;
  return ::access(path.c_str(), X_OK) == 0 ? path : "";
}

/// The start of a command running `nproc` workers under torchrun, their output in `log_dir` and
/// on torchrun's (prefixed "[default<rank>]:"). Debian's torchrun 1.13 needs -r/-t/--log_dir,
/// for an enum bug of its Python 3.11 build (and only the same value for both works); they are
/// valid for every torchrun. A missing torchrun fails the test: the cluster tests do not skip.
inline std::string torchrun(const std::string& log_dir, int nproc = 2) {
  const auto launcher = torchrun_path();
  EXPECT_FALSE(launcher.empty()) << "no torchrun ('" << TESG_TORCHRUN_BIN << "'): scripts/test.sh installs "
                                 << "python3-torch (Debian build) or the pip torch's (pip build)";
  return (launcher.empty() ? "torchrun" : launcher) + " -r 1 -t 1 --log_dir " + log_dir +
         " --no_python --nproc_per_node " + std::to_string(nproc) + " --monitor_interval 1";
}

/// torchrun's option for a free rendezvous port.
inline std::string master_port() { return "--master_port " + std::to_string(cluster::free_port()); }

/// The environment srun gives task `rank` of `tasks` of a job on this machine (no RANK, no
/// MASTER_*: rank, world and rendezvous come from the SLURM_* variables).
inline std::string slurm_task_environment(int rank, int tasks, int job_id) {
  return "env -u RANK -u WORLD_SIZE -u MASTER_ADDR -u MASTER_PORT SLURM_JOB_ID=" + std::to_string(job_id) +
         " SLURM_NTASKS=" + std::to_string(tasks) + " SLURM_JOB_NODELIST='127.0.0.[1-2]' SLURM_NODEID=0" +
         " SLURM_PROCID=" + std::to_string(rank) + " SLURM_LOCALID=" + std::to_string(rank);
}

/// Two srun tasks of `binary args` (task 1 in the background, its output in `task1_log`); the
/// command's status is task 0's, and its output ends with "task1=<status>".
inline std::string two_slurm_tasks(const std::string& binary, const std::string& args, const std::string& task1_log,
                                   int job_id) {
  return "{ " + slurm_task_environment(1, 2, job_id) + " " + binary + " " + args + " > " + task1_log +
         " 2>&1 & " + slurm_task_environment(0, 2, job_id) + " " + binary + " " + args +
         "; status=$?; wait $!; echo \"task1=$?\"; exit $status; }";
}

}  // namespace tesg::test

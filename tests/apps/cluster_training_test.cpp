// tesg-train under the launchers users have: the real torchrun (its agent store, its c10d
// rendezvous, its error file, its restarts after a worker is SIGKILLed), Slurm's srun environment,
// and the signals of preemption and time limits. Each run must end in the weights of the same
// training run uninterrupted on `--nproc 2` (or one process).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "apps/launchers.h"
#include "support.h"
#include "tesg/cluster/stop_signals.h"
#include "train/tiny_training.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void expect_equal_weights(const std::string& a, const std::string& b) {
  const auto wa = test::tiny_weights(a), wb = test::tiny_weights(b);
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(torch::equal(wa[i], wb[i])) << b << " parameter " << i;
}

// Rows of a CSV log, header included.
int rows(const std::string& csv) {
  std::istringstream in(test::file_content(csv));
  int n = 0;
  for (std::string row; std::getline(in, row);) ++n;
  return n;
}

// Folders attempt_N that torchrun made under `log_dir` (one per start of the workers).
int attempts(const std::string& log_dir) {
  int n = 0;
  if (!fs::exists(log_dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(log_dir)) {
    n += e.is_directory() && e.path().filename().string().rfind("attempt_", 0) == 0;
  }
  return n;
}

class ClusterTrainingTest : public testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(0);
    test::write_tiny_pairs(dir / "data", 8, 40);  // batch 4: 2 steps per epoch
    write_config(3);
  }
  void write_config(int epochs, int batch = 4) {
    std::ofstream(dir / "c.yaml") << test::kTinyModelYaml << "data: {crop: 24, train: [" << dir / "data"
                                  << "]}\ntrain: {epochs: " << epochs
                                  << ", batch: " << batch << ", lr: 1.0e-3, val_every: 0, seed: 3, threads: 1,"
                                     " dist_timeout_s: 60}\noutput: {log_interval: 1}\n";
  }
  std::string args(const std::string& out) const {
    return "--config " + dir / "c.yaml" + " --set output.dir=" + dir / out;
  }
  // The reference: the same run on tesg's own launcher.
  void train_straight() {
    const auto [code, out] = test::run_command(TESG_TRAIN_BIN, args("straight") + " --nproc 2");
    ASSERT_EQ(code, 0) << out;
  }
  // Two workers under the real torchrun.
  test::CommandResult run_torchrun(const std::string& out, const std::string& launch_options,
                                   const std::string& environment = "") {
    return test::run_command("env " + environment + " " + test::torchrun(dir / (out + "_logs")),
                             launch_options + " " + TESG_TRAIN_BIN + " " + args(out));
  }
  test::TempDir dir;
};

TEST_F(ClusterTrainingTest, TwoWorkersUnderTorchrunEqualNproc2) {
  train_straight();
  // Static rendezvous: torchrun's agent hosts the store (TORCHELASTIC_USE_AGENT_STORE=True).
  auto [code, out] = run_torchrun("agent_store", test::master_port());
  ASSERT_EQ(code, 0) << out;
  expect_equal_weights(dir / "straight/model.pt", dir / "agent_store/model.pt");
  // c10d rendezvous (--standalone): rank 0 hosts the store on the port torchrun gives it.
  std::tie(code, out) = run_torchrun("standalone", "--standalone");
  ASSERT_EQ(code, 0) << out;
  expect_equal_weights(dir / "straight/model.pt", dir / "standalone/model.pt");
}

TEST_F(ClusterTrainingTest, TorchrunsFailureSummaryShowsOurOneLineError) {
  write_config(3, /*batch=*/3);
  const auto [code, out] = run_torchrun("bad", test::master_port());
  EXPECT_NE(code, 0) << out;
  EXPECT_TRUE(contains(out, "error_file")) << out;
  EXPECT_TRUE(contains(out, "train.batch: 3 is not divisible by the 2 ranks")) << out;
}

// A worker SIGKILLed mid-step, again in every restart (the fault counts steps per process):
// rank 1 in its 3rd step (after a checkpoint), rank 0 in its 4th (before one). torchrun stops the
// other worker and restarts both; they resume from last.pt by themselves (train.resume: auto)
// and end in the uninterrupted run's weights. (Kills inside file writes: fault_tolerance_test.)
TEST_F(ClusterTrainingTest, WorkersKilledUnderTorchrunRestartAndEndInTheUninterruptedWeights) {
  write_config(4);  // 8 steps, a checkpoint every 2
  train_straight();
  struct Kill {
    const char* name;
    const char* fault;
    int rank;
  };
  for (const auto& kill : {Kill{"rank1_kill", "train.step:3", 1}, Kill{"rank0_kill", "train.step:4", 0}}) {
    const auto [code, out] = run_torchrun(kill.name, test::master_port() + " --max_restarts 5",
                                          std::string("TESG_FAULT=") + kill.fault +
                                              " TESG_FAULT_RANK=" + std::to_string(kill.rank));
    ASSERT_EQ(code, 0) << kill.name << ":\n" << out;
    const int starts = attempts(dir / (std::string(kill.name) + "_logs"));
    EXPECT_GE(starts, 3) << kill.name << ": the worker was not killed and restarted twice";
    expect_equal_weights(dir / "straight/model.pt", dir / (std::string(kill.name) + "/model.pt"));
    EXPECT_EQ(rows(dir / (std::string(kill.name) + "/log.csv")), rows(dir / "straight/log.csv")) << kill.name;
  }
}

// Two processes given what srun gives its tasks (no RANK): rank, world and the rendezvous
// (first host of the node list, port from the job id) come from the SLURM_* variables.
TEST_F(ClusterTrainingTest, SlurmTasksTrainAsNproc2) {
  train_straight();
  const int job = 100000 + ::getpid() % 100000;
  const auto [code, out] =
      test::run_command(test::two_slurm_tasks(TESG_TRAIN_BIN, args("slurm"), dir / "task1.log", job), "");
  ASSERT_EQ(code, 0) << out << test::file_content(dir / "task1.log");
  EXPECT_TRUE(contains(out, "task1=0")) << test::file_content(dir / "task1.log");
  expect_equal_weights(dir / "straight/model.pt", dir / "slurm/model.pt");
}

// A process of this test: started in the background, signalled, waited for.
class Background {
 public:
  explicit Background(const std::string& command) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  pid_t pid() const { return pid_; }
  int wait_exit_code() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// The child of `parent` whose environment has RANK=`rank` (a rank of --nproc).
pid_t rank_process(pid_t parent, int rank) {
  for (int tries = 0; tries < 500; ++tries) {
    for (const auto& e : fs::directory_iterator("/proc")) {
      const auto name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::istringstream stat(test::file_content(e.path() / "stat"));
      std::string pid, comm, state, ppid;
      stat >> pid >> comm >> state >> ppid;
      if (ppid != std::to_string(parent)) continue;
      std::istringstream environment(test::file_content(e.path() / "environ"));
      for (std::string entry; std::getline(environment, entry, '\0');) {
        if (entry == "RANK=" + std::to_string(rank)) return std::stoi(name);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

// Preemption: a signal at a random step of a 1-rank run (SIGUSR1), to the --nproc launcher
// (SIGTERM, passed on to both ranks) and to rank 1 alone (SIGINT): every rank stops after the
// step in flight, last.pt is saved, the exit status is 75; the same command resumes the run and
// it ends in the weights of the uninterrupted one.
TEST_F(ClusterTrainingTest, ASignalAtARandomStepStopsResumablyAndTheResumedRunEqualsTheUninterruptedOne) {
  write_config(15);  // 30 steps
  const auto seed = static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::mt19937 random(seed);
  struct Case {
    const char* name;
    int signal;
    bool two_ranks;
    int signalled_rank;  // -1: the process started (the launcher with two ranks)
  };
  for (const auto& c : {Case{"one_rank", SIGUSR1, false, -1}, Case{"launcher", SIGTERM, true, -1},
                        Case{"rank1", SIGINT, true, 1}}) {
    const auto run = [&](const std::string& out) {
      return std::string(TESG_TRAIN_BIN) + " " + args(out) + (c.two_ranks ? " --nproc 2" : "");
    };
    const std::string straight = std::string("straight_") + c.name;
    ASSERT_EQ(test::run_command(run(straight), "").first, 0);
    const int at_step = std::uniform_int_distribution<int>(1, 20)(random);
    SCOPED_TRACE(std::string(c.name) + ": signal after step " + std::to_string(at_step) + " (seed " +
                 std::to_string(seed) + ")");
    Background job(run(c.name) + " > " + dir / (std::string(c.name) + ".log") + " 2>&1");
    const auto log = dir / (std::string(c.name) + "/log.csv");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (rows(log) < at_step + 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const pid_t target = c.signalled_rank < 0 ? job.pid() : rank_process(job.pid(), c.signalled_rank);
    ASSERT_GT(target, 0);
    ::kill(target, c.signal);
    const int code = job.wait_exit_code();
    const auto output = test::file_content(dir / (std::string(c.name) + ".log"));
    ASSERT_EQ(code, cluster::kExitStoppedBySignal) << output;
    EXPECT_TRUE(contains(output, "saving last.pt")) << output;
    EXPECT_LT(rows(log), rows(dir / (straight + "/log.csv"))) << "the run was not stopped early";
    const auto [resumed, out] = test::run_command(run(c.name), "");
    ASSERT_EQ(resumed, 0) << out;
    EXPECT_TRUE(contains(out, "resumed from")) << out;
    expect_equal_weights(dir / (straight + "/model.pt"), dir / (std::string(c.name) + "/model.pt"));
  }
}

// train.resume: auto continues this config's run without being asked, and refuses a run folder
// that another config made instead of silently mixing the two.
TEST_F(ClusterTrainingTest, AutoResumeContinuesItsOwnRunAndRefusesAnotherConfigs) {
  auto [code, out] = test::run_command(TESG_TRAIN_BIN, args("run") + " --stop-after-steps 2");
  ASSERT_EQ(code, 0) << out;
  std::tie(code, out) = test::run_command(TESG_TRAIN_BIN, args("run") + " --set train.threads=2");
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(contains(out, "at step 2")) << out;  // a machine key may differ
  std::tie(code, out) = test::run_command(TESG_TRAIN_BIN, args("run") + " --set train.lr=2e-3");
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(contains(out, "config.yaml: output.dir holds the run of another config")) << out;
  EXPECT_TRUE(contains(out, "lr: 0.002")) << out;
  std::tie(code, out) = test::run_command(TESG_TRAIN_BIN, args("run") + " --set train.lr=2e-3 --set train.resume=never");
  EXPECT_EQ(code, 0) << out;
  EXPECT_FALSE(contains(out, "resumed from")) << out;
}

}  // namespace
}  // namespace tesg

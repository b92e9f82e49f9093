// Crash safety, proven by killing: each long job is killed with SIGKILL at chosen moments
// (TESG_FAULT, tesg/fault.h), rerun or resumed, and must end exactly where a job that was never
// interrupted ends; a full disk must stop it with a clear error and lose nothing.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.h"
#include "train/tiny_training.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;
const std::string kCheckpoint = std::string(TESG_SOURCE_DIR) + "/models/tesg_cpu_small.pt";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs `binary args` with TESG_FAULT=fault ("" = none); the output ends with "exit=N", the
// shell's status (137 = killed by SIGKILL).
test::CommandResult run(const std::string& binary, const std::string& args, const std::string& fault = "") {
  const auto [code, out] = test::run_command(
      "{ export TESG_FAULT=" + fault + "; " + binary, args + "; echo \"exit=$?\"; }");
  const auto at = out.rfind("exit=");
  return {at == std::string::npos ? -1 : std::stoi(out.substr(at + 5)), out};
}

// Temporary files of atomic writes left in `dir` or below.
int temp_files(const std::string& dir) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    n += contains(e.path().filename().string(), ".tmp.");
  }
  return n;
}

void expect_equal_weights(const std::string& a, const std::string& b) {
  const auto wa = test::tiny_weights(a), wb = test::tiny_weights(b);
  ASSERT_EQ(wa.size(), wb.size());
  for (size_t i = 0; i < wa.size(); ++i) EXPECT_TRUE(torch::equal(wa[i], wb[i])) << a << " parameter " << i;
}

// The first column of each row of a CSV log (steps or epochs).
std::vector<std::string> first_column(const std::string& csv) {
  std::istringstream in(test::file_content(csv));
  std::vector<std::string> keys;
  for (std::string row; std::getline(in, row);) keys.push_back(row.substr(0, row.find(',')));
  return keys;
}

class TrainingFaultTest : public testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(0);
    test::write_tiny_pairs(dir / "data", 8, 40);  // 2 steps per epoch
    std::ofstream(dir / "c.yaml") << test::kTinyModelYaml
                                  << "data: {crop: 24, train: [" << dir / "data" << "], val: "
                                  << dir / "data" << "}\n"
                                     "train: {epochs: 4, batch: 4, lr: 1.0e-3, val_every: 1, seed: 3,"
                                     " threads: 1, best_metric: SD}\n"
                                     "output: {log_interval: 1}\n";
  }
  std::string train_args(const std::string& out) const {
    const auto last = dir / (out + "/last.pt");
    return "--config " + dir / "c.yaml" + " --set output.dir=" + dir / out +
           (fs::exists(last) ? " --resume " + last : "");
  }
  test::TempDir dir;
};

// Killed mid-step, while writing a checkpoint and during validation, five times in all and
// resumed each time: the final and best weights equal those of the uninterrupted run bit for
// bit, and the logs hold every step and epoch once.
TEST_F(TrainingFaultTest, KilledAtAnyMomentAndResumedEqualsTheUninterruptedRun) {
  auto [code, out] = run(TESG_TRAIN_BIN, train_args("straight"));
  ASSERT_EQ(code, 0) << out;
  for (const auto* fault : {"train.step:3", "atomic_write:3", "validation.pair:5", "train.step:2",
                            "atomic_write:2"}) {
    std::tie(code, out) = run(TESG_TRAIN_BIN, train_args("killed"), fault);
    ASSERT_EQ(code, 137) << "not killed at " << fault << ":\n" << out;
  }
  EXPECT_GT(temp_files(dir / "killed"), 0) << "the kill inside a write should leave its temp file";
  std::tie(code, out) = run(TESG_TRAIN_BIN, train_args("killed"));
  ASSERT_EQ(code, 0) << out;
  expect_equal_weights(dir / "straight/model.pt", dir / "killed/model.pt");
  expect_equal_weights(dir / "straight/best.pt", dir / "killed/best.pt");
  EXPECT_EQ(first_column(dir / "killed/log.csv"), first_column(dir / "straight/log.csv"));
  EXPECT_EQ(test::file_content(dir / "killed/val.csv"), test::file_content(dir / "straight/val.csv"));
  EXPECT_EQ(temp_files(dir / "killed"), 0);
}

// Two Gloo ranks; rank 1 is killed mid-step: rank 0 exits with a clear error instead of
// waiting, and the run resumed on two ranks ends with the weights of an uninterrupted one.
TEST_F(TrainingFaultTest, AKilledRankStopsTheOtherAndTheResumedRunEqualsTheUninterruptedOne) {
  std::ofstream(dir / "c.yaml") << test::kTinyModelYaml
                                << "data: {crop: 24, train: [" << dir / "data" << "]}\n"
                                   "train: {epochs: 3, batch: 8, lr: 1.0e-3, val_every: 0, seed: 3,"
                                   " threads: 1, dist_timeout_s: 120}\n";
  auto [code, out] = run(TESG_TRAIN_BIN, train_args("straight") + " --nproc 2");
  ASSERT_EQ(code, 0) << out;
  const std::string env = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                          std::to_string(21000 + ::getpid() % 20000) + " WORLD_SIZE=2";
  const std::string rank1 = "env " + env + " RANK=1 TESG_FAULT=train.step:3 " + TESG_TRAIN_BIN +
                            " " + train_args("killed") + " >/dev/null 2>&1 &";
  std::tie(code, out) = run(rank1 + " env " + env + " RANK=0 " + TESG_TRAIN_BIN, train_args("killed"));
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(contains(out, "[error] rank 0: ")) << out;
  ASSERT_TRUE(fs::exists(dir / "killed/last.pt")) << out;
  std::tie(code, out) = run(TESG_TRAIN_BIN, train_args("killed") + " --nproc 2");
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(contains(out, "resumed from")) << out;
  expect_equal_weights(dir / "straight/model.pt", dir / "killed/model.pt");
}

class BatchJobFaultTest : public testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(1);
    test::write_tiny_pairs(dir / "data", 6, 48);
  }
  // Kills the job at each fault in turn, then reruns it to the end; returns the last output.
  std::string kill_then_finish(const std::string& binary, const std::string& args,
                               const std::vector<std::string>& faults) {
    for (const auto& fault : faults) {
      const auto [code, out] = run(binary, args, fault);
      EXPECT_EQ(code, 137) << "not killed at " << fault << ":\n" << out;
    }
    const auto [code, out] = run(binary, args);
    EXPECT_EQ(code, 0) << out;
    return out;
  }
  // Every file of `a` but `ignored` (e.g. timings) is in `b` with the same bytes, no temp file left.
  void expect_same_files(const std::string& a, const std::string& b, const std::string& ignored = "") {
    test::expect_same_files(a, b, ignored);
    EXPECT_EQ(temp_files(b), 0);
  }
  test::TempDir dir;
};

TEST_F(BatchJobFaultTest, FuseKilledMidFolderFinishesOnRerunWithTheSameImages) {
  const auto args = [&](const std::string& out) {
    return "--checkpoint " + kCheckpoint + " --data " + dir / "data" + " --out " + dir / out + " --gray";
  };
  auto [code, out] = run(TESG_FUSE_BIN, args("straight"));
  ASSERT_EQ(code, 0) << out;
  out = kill_then_finish(TESG_FUSE_BIN, args("killed"), {"atomic_write:3", "progress:4"});
  EXPECT_TRUE(contains(out, "6 pairs fused") || contains(out, "kept")) << out;
  EXPECT_FALSE(contains(out, "of 6 pairs fused, 0 kept")) << "the rerun redid finished pairs:\n" << out;
  expect_same_files(dir / "straight", dir / "killed", "fuse_summary.json");  // timings differ
}

TEST_F(BatchJobFaultTest, SigKilledMidFolderFinishesOnRerunWithTheSameCache) {
  const auto args = [&](const std::string& out) { return "--data " + dir / "data" + " --out " + dir / out; };
  auto [code, out] = run(TESG_SIG_BIN, args("straight"));
  ASSERT_EQ(code, 0) << out;
  out = kill_then_finish(TESG_SIG_BIN, args("killed"), {"atomic_write:4", "progress:3"});
  EXPECT_FALSE(contains(out, "6 written, 0 kept")) << "the rerun redid finished pairs:\n" << out;
  expect_same_files(dir / "straight", dir / "killed");
}

TEST_F(BatchJobFaultTest, EvalKilledMidFolderGivesTheSameTablesOnRerun) {
  ASSERT_EQ(run(TESG_FUSE_BIN, "--baseline max --data " + dir / "data" + " --out " + dir / "max").first, 0);
  const auto args = [&](const std::string& out) {
    return "--data " + dir / "data" + " --fused max=" + dir / "max" + " --out " + dir / out;
  };
  auto [code, out] = run(TESG_EVAL_BIN, args("straight"));
  ASSERT_EQ(code, 0) << out;
  kill_then_finish(TESG_EVAL_BIN, args("killed"), {"progress:3", "atomic_write:2"});
  expect_same_files(dir / "straight", dir / "killed");
}

// A full disk while training: the checkpoint write fails with one line naming the file, the
// previous checkpoint is intact and no partial file is left. "Full" is a file-size limit
// (EFBIG, `ulimit -f`; any user) and, where this user may mount, a tiny tmpfs (ENOSPC).
TEST_F(TrainingFaultTest, AFullDiskStopsTrainingWithAClearErrorAndKeepsTheLastCheckpoint) {
  std::ofstream(dir / "c.yaml") << test::kTinyModelYaml
                                << "data: {crop: 24, train: [" << dir / "data" << "]}\n"
                                   "train: {epochs: 3, batch: 4, val_every: 0, threads: 1}\n";
  auto [code, out] = run(TESG_TRAIN_BIN, train_args("run") + " --stop-after-steps 2");
  ASSERT_EQ(code, 0) << out;
  const auto before = test::file_content(dir / "run/last.pt");
  const auto blocks = std::to_string(before.size() / 1024 / 2);  // half a checkpoint
  std::tie(code, out) = run("trap '' XFSZ; ulimit -f " + blocks + "; " + TESG_TRAIN_BIN, train_args("run"));
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(contains(out, dir / "run/last.pt: cannot write")) << out;
  EXPECT_EQ(test::file_content(dir / "run/last.pt"), before);
  EXPECT_EQ(temp_files(dir / "run"), 0);

  fs::create_directories(dir / "small");
  const auto size = std::to_string(before.size() * 3 / 2);  // the checkpoint and half another
  if (::mount("tmpfs", (dir / "small").c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
    GTEST_SKIP() << "tmpfs part skipped: mount needs CAP_SYS_ADMIN (the EFBIG part ran)";
  }
  fs::copy(dir / "run", dir / "small/run");
  fs::remove(dir / "small/run/log.csv");
  std::tie(code, out) = run(TESG_TRAIN_BIN, train_args("small/run"));
  EXPECT_EQ(code, 2) << out;
  EXPECT_TRUE(contains(out, dir / "small/run/last.pt: cannot write")) << out;
  EXPECT_EQ(test::file_content(dir / "small/run/last.pt"), before);
  EXPECT_EQ(temp_files(dir / "small"), 0);
  ::umount((dir / "small").c_str());
}

}  // namespace
}  // namespace tesg

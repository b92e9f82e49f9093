// The batch jobs over ranks: tesg-fuse, tesg-sig, tesg-eval and tesg-detect started with
// --nproc, under the real torchrun or as srun's tasks split the sorted pairs, and rank 0 writes
// one summary: every output is the one process's, byte for byte (timings aside). A rank killed
// mid-job leaves a share that a rerun completes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>

#include "apps/launchers.h"
#include "support.h"
#include "train/tiny_training.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ShardedJobsTest : public testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(2);
    test::write_tiny_pairs(dir / "data", 7, 48);  // odd: the ranks get unequal shares
  }
  void run_ok(const std::string& binary, const std::string& args) {
    const auto [code, out] = test::run_command(binary, args);
    ASSERT_EQ(code, 0) << binary << " " << args << ":\n" << out;
  }
  test::TempDir dir;
};

TEST_F(ShardedJobsTest, FuseOnTwoLocalRanksWritesWhatOneProcessWrites) {
  const auto fuse = [&](const std::string& out) {
    return "--baseline edge_guided --data " + dir / "data" + " --out " + dir / out + " --gray --grid";
  };
  run_ok(TESG_FUSE_BIN, fuse("one"));
  run_ok(TESG_FUSE_BIN, fuse("two") + " --nproc 2");
  test::expect_same_files(dir / "one", dir / "two", "fuse_summary.json");  // timings differ
  const auto summary = nlohmann::json::parse(test::file_content(dir / "two/fuse_summary.json"));
  EXPECT_EQ(summary["pairs"], 7);
  EXPECT_EQ(summary["fused"], 7);
  EXPECT_TRUE(fs::exists(dir / "two/contact_sheet.png"));
}

TEST_F(ShardedJobsTest, SigUnderTorchrunWritesTheCacheOfOneProcess) {
  run_ok(TESG_SIG_BIN, "--data " + dir / "data" + " --out " + dir / "one");
  const auto [code, out] = test::run_command(test::torchrun(dir / "logs"), test::master_port() + " " +
                                                                               TESG_SIG_BIN + " --data " + dir / "data" +
                                                                               " --out " + dir / "two");
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(contains(out, "7 pairs: 7 written, 0 kept, 0 failed")) << out;  // rank 0 speaks for all
  test::expect_same_files(dir / "one", dir / "two");
}

TEST_F(ShardedJobsTest, EvalAsTwoSlurmTasksWritesTheTablesOfOneProcess) {
  run_ok(TESG_FUSE_BIN, "--baseline max --data " + dir / "data" + " --out " + dir / "max");
  const auto eval = [&](const std::string& out) {
    return "--data " + dir / "data" + " --fused max=" + dir / "max" + " --fused vi=" + dir / "data/vi" +
           " --out " + dir / out + " --threads 1";
  };
  run_ok(TESG_EVAL_BIN, eval("one"));
  const auto [code, out] =
      test::run_command(test::two_slurm_tasks(TESG_EVAL_BIN, eval("two"), dir / "task1.log", 200000 + ::getpid() % 100000), "");
  ASSERT_EQ(code, 0) << out << test::file_content(dir / "task1.log");
  EXPECT_TRUE(contains(out, "task1=0")) << test::file_content(dir / "task1.log");
  test::expect_same_files(dir / "one", dir / "two");
}

TEST_F(ShardedJobsTest, DetectOnTwoLocalRanksScoresAsOneProcess) {
  TESG_REQUIRE_SHARED_DATA();
  const auto msrs = test::shared_data("MSRS/test");
  const auto detect = [&](const std::string& out) {
    return "--detector " + test::shared_dir() + "/models/yolov5n_coco.torchscript --data " + msrs + " --labels " +
           msrs + "/det/fusion --classes person=0,bicycle=1,car=2 --sources --fused vi=" + msrs +
           "/vi --reference visible --bootstrap 50 --threads 1 --out " + dir / out;
  };
  run_ok(TESG_DETECT_BIN, detect("one"));
  run_ok(TESG_DETECT_BIN, detect("two") + " --nproc 2");
  test::expect_same_files(dir / "one", dir / "two", "summary.json");  // timings differ
  auto one = nlohmann::json::parse(test::file_content(dir / "one/summary.json"));
  auto two = nlohmann::json::parse(test::file_content(dir / "two/summary.json"));
  for (auto* j : {&one, &two}) j->erase("seconds"), j->erase("detect_ms_per_image");
  EXPECT_EQ(one, two);
}

// Rank 1 SIGKILLed after its second pair: the launcher stops rank 0, the job fails; the same
// command run again fuses what is missing and ends with the outputs of an uninterrupted run.
// One writer thread, so rank 1's third pair cannot be written beside the second before the kill.
TEST_F(ShardedJobsTest, AKilledRanksShareIsCompletedByARerun) {
  const auto fuse = [&](const std::string& out) {
    return "--baseline avg --data " + dir / "data" + " --out " + dir / out + " --nproc 2 --set fuse.io_threads=1";
  };
  run_ok(TESG_FUSE_BIN, fuse("straight"));
  auto [code, out] = test::run_command("TESG_FAULT=progress:2 TESG_FAULT_RANK=1 " + std::string(TESG_FUSE_BIN), fuse("killed"));
  EXPECT_NE(code, 0) << out;
  EXPECT_TRUE(contains(out, "rank 1 failed")) << out;
  std::tie(code, out) = test::run_command(TESG_FUSE_BIN, fuse("killed"));
  ASSERT_EQ(code, 0) << out;
  EXPECT_FALSE(contains(out, "0 of 7 pairs fused, 7 kept")) << "nothing was left to fuse:\n" << out;
  test::expect_same_files(dir / "straight", dir / "killed", "fuse_summary.json");
}

}  // namespace
}  // namespace tesg

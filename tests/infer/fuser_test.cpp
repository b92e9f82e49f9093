// The embedding API (tesg/fuser.h): the same pixels as tesg-fuse, tensors with the caller's
// semantics, errors of tesg's own types, concurrent callers, and the version everywhere.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "support.h"
#include "tesg/fuser.h"
#include "tesg/train/checkpoint.h"

namespace tesg {
namespace {

const std::string kModel = std::string(TESG_SOURCE_DIR) + "/models/tesg_cpu_edge_guided.pt";
const std::string kSamples = std::string(TESG_SOURCE_DIR) + "/data/samples/";

cv::Mat read(const std::string& path) { return cv::imread(path, cv::IMREAD_UNCHANGED); }

TEST(FuserTest, FusesAPairToTheSamePixelsAsTesgFuse) {
  test::TempDir dir;
  const auto [code, output] = test::run_command(
      TESG_FUSE_BIN, "--checkpoint " + kModel + " --ir " + kSamples + "ir/00055D.png --vi " + kSamples +
                         "vi/00055D.png --out " + dir / "fused.png --log-level warn");
  ASSERT_EQ(code, 0) << output;
  const Fuser fuser(kModel);
  EXPECT_EQ(fuser.device(), "cpu");
  const auto fused = fuser.fuse(read(kSamples + "ir/00055D.png"), read(kSamples + "vi/00055D.png"), "00055D");
  ASSERT_EQ(fused.type(), CV_8UC3);
  const auto expected = read(dir / "fused.png");
  ASSERT_EQ(fused.size(), expected.size());
  EXPECT_EQ(cv::countNonZero(fused.reshape(1) != expected.reshape(1)), 0);
}

TEST(FuserTest, TensorsWithTheCallersSemanticsAndSixteenBitInfrared) {
  const Fuser fuser(kModel);
  const auto ir = torch::rand({1, 40, 56}), vi = torch::rand({3, 40, 56});
  Semantics semantics{torch::zeros({1, 40, 56}), {}};
  const auto fused = fuser.fuse(ir, vi, &semantics);
  EXPECT_EQ(fused.sizes(), (at::IntArrayRef{3, 40, 56}));
  EXPECT_GE(fused.min().item<float>(), 0.0f);
  EXPECT_LE(fused.max().item<float>(), 1.0f);
  // A 16-bit infrared frame and a gray visible one are accepted as tesg-fuse reads such files.
  cv::Mat ir16(40, 56, CV_16UC1, cv::Scalar(30000)), vi_gray(40, 56, CV_8UC1, cv::Scalar(90));
  EXPECT_EQ(fuser.fuse(ir16, vi_gray).size(), cv::Size(56, 40));
}

TEST(FuserTest, BadFramesAndCheckpointsAreTesgErrors) {
  const Fuser fuser(kModel);
  EXPECT_THROW_WITH(fuser.fuse(cv::Mat(10, 12, CV_8UC1), cv::Mat(10, 14, CV_8UC3), "f"), DataError,
                    "f: visible 14x10 != infrared 12x10");
  EXPECT_THROW_WITH(fuser.fuse(cv::Mat(), cv::Mat(10, 14, CV_8UC3), "g"), DataError, "g (infrared): empty image");
  EXPECT_THROW(Fuser(kSamples + "README.md"), CheckpointError);
  FuserOptions bad;
  bad.precision = "fp8";
  EXPECT_THROW(Fuser(kModel, bad), ConfigError);
}

TEST(FuserTest, ConcurrentCallersGetTheSingleCallerResult) {
  const Fuser fuser(kModel);
  const cv::Rect crop(200, 100, 160, 120);  // small frames: the test is about threads
  const auto ir = read(kSamples + "ir/00055D.png")(crop).clone(), vi = read(kSamples + "vi/00055D.png")(crop).clone();
  const cv::Mat vi_before = vi.clone();
  const auto alone = fuser.fuse(ir, vi);
  EXPECT_EQ(cv::countNonZero(vi.reshape(1) != vi_before.reshape(1)), 0) << "the caller's frame was changed";
  cv::Mat other_thread;
  std::thread([&] { other_thread = fuser.fuse(ir, vi); }).join();
  EXPECT_EQ(cv::countNonZero(other_thread.reshape(1) != alone.reshape(1)), 0) << "another thread, alone";
  std::vector<cv::Mat> results(3);
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&] { r = fuser.fuse(ir, vi); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(cv::countNonZero(r.reshape(1) != alone.reshape(1)), 0);
}

TEST(VersionTest, OneVersionForLibraryAppsAndCheckpoints) {
  EXPECT_EQ(version(), TESG_PROJECT_VERSION);
  const auto [code, output] = test::run_command(TESG_DETECT_BIN, "--version");
  EXPECT_EQ(code, 0);
  EXPECT_EQ(output, "tesg " + version() + "\n");
  test::TempDir dir;
  torch::nn::Linear model(2, 2);
  train::save_checkpoint(dir / "m.pt", *model, nullptr, {});
  EXPECT_EQ(train::read_checkpoint_info(dir / "m.pt").tesg_version, version());
}

}  // namespace
}  // namespace tesg

// The video pipeline with sources a program supplies: a live camera that disconnects mid-stream
// (the frames before it kept, the error naming it and the frame), a live source faster than the
// fusion (--drop keeps up and counts), a file-like source of the same speed (never drops).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/videoio.hpp>

#include <chrono>
#include <thread>

#include "support.h"
#include "tesg/config.h"
#include "tesg/error.h"
#include "tesg/infer/baseline.h"
#include "tesg/video/frame_sink.h"
#include "tesg/video/frame_source.h"
#include "tesg/video/video_fusion.h"

namespace tesg::video {
namespace {

// Frames of a counter; live or not; a camera that stops delivering after `fails_after` frames.
class FakeCamera : public FrameSource {
 public:
  FakeCamera(std::string name, bool live, int64_t frames, int64_t fails_after = -1) : fails_after_(fails_after) {
    info_ = {std::move(name), 30.0, live ? -1 : frames, 48, 32, live};
    limit_ = frames;
  }
  bool read(cv::Mat& frame) override {
    if (position_ == fails_after_) {
      throw DataError(info_.name + ": frame " + std::to_string(position_) + ": no frame (stream ended or camera disconnected)");
    }
    if (position_ >= limit_) return false;
    frame = cv::Mat(32, 48, CV_8UC3, cv::Scalar::all(static_cast<double>(position_ % 200)));
    ++position_;
    return true;
  }

 private:
  int64_t fails_after_, limit_;
};

infer::FuseFn slow_max(int milliseconds) {
  auto max = infer::baseline_fusion("max");
  return [max, milliseconds](const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& m, const torch::Tensor& ft) {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
    return max(vi, ir, m, ft);
  };
}

int64_t frames_in(const std::string& video) {
  cv::VideoCapture capture(video);
  int64_t n = 0;
  for (cv::Mat f; capture.read(f);) ++n;
  return n;
}

struct VideoFusionTest : ::testing::Test {
  Config config = parse_config("", "defaults");
  infer::SigInputs sig{config.sig, ""};
  test::TempDir dir;
};

TEST_F(VideoFusionTest, ACameraThatDisconnectsKeepsTheFramesBeforeIt) {
  FakeCamera ir("camera-ir", true, 1000, 7), vi("camera-vi", true, 1000);
  VideoJob job;
  job.out_video = dir / "live.mp4";
  const auto summary = fuse_video(infer::baseline_fusion("max"), sig, ir, vi, job, config.fuse);
  EXPECT_EQ(summary.error, "camera-ir: frame 7: no frame (stream ended or camera disconnected)");
  EXPECT_EQ(summary.frames, 7);
  EXPECT_EQ(frames_in(dir / "live.mp4"), 7) << "the container is finalised";
}

TEST_F(VideoFusionTest, LiveSourcesDropWhenFusionIsSlowerFilesNever) {
  VideoJob job;
  job.drop = true;
  job.count = 40;
  job.out_frames = dir / "live";
  FakeCamera ir("camera-ir", true, 1000), vi("camera-vi", true, 1000);
  const auto live = fuse_video(slow_max(20), sig, ir, vi, job, config.fuse);
  EXPECT_TRUE(live.error.empty()) << live.error;
  EXPECT_GT(live.dropped, 0);
  EXPECT_EQ(live.frames + live.dropped, 40);
  EXPECT_LE(live.dropped, 40 - config.fuse.video_queue);

  job.out_frames = dir / "file";
  FakeCamera ir_file("file-ir", false, 40), vi_file("file-vi", false, 40);
  const auto file = fuse_video(slow_max(20), sig, ir_file, vi_file, job, config.fuse);
  EXPECT_EQ(file.dropped, 0) << "files never drop, --drop or not";
  EXPECT_EQ(file.frames, 40);
  EXPECT_TRUE(std::filesystem::exists(frame_file(dir / "file", 39)));
  EXPECT_NEAR(file.real_time_factor(), file.fps() / 30.0, 1e-12);
}

TEST_F(VideoFusionTest, FrameRangesAndOutputChecks) {
  FakeCamera ir("clip-ir", false, 20), vi("clip-vi", false, 20);
  VideoJob job;
  job.first = 5;
  job.count = 4;
  job.out_frames = dir / "range";
  const auto summary = fuse_video(infer::baseline_fusion("avg"), sig, ir, vi, job, config.fuse);
  EXPECT_EQ(summary.frames, 4);
  EXPECT_TRUE(std::filesystem::exists(frame_file(dir / "range", 5)));
  EXPECT_TRUE(std::filesystem::exists(frame_file(dir / "range", 8)));
  EXPECT_FALSE(std::filesystem::exists(frame_file(dir / "range", 9)));
  FakeCamera short_ir("clip-ir", false, 20), short_vi("clip-vi", false, 20);
  job.first = 20;
  EXPECT_THROW_WITH(fuse_video(infer::baseline_fusion("avg"), sig, short_ir, short_vi, job, config.fuse), DataError,
                    "clip-ir: first frame 20 is past the end (20 frame pairs)");
  job.out_frames.clear();
  EXPECT_THROW(fuse_video(infer::baseline_fusion("avg"), sig, short_ir, short_vi, job, config.fuse), ConfigError);
}

}  // namespace
}  // namespace tesg::video

// Key-frame semantics and the temporal measure on synthetic sequences with known motion: a pan
// of a still pair, where the carried mask must be the key frame's mask shifted; cuts; flicker.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "tesg/video/key_frame_semantics.h"
#include "tesg/video/optical_flow.h"
#include "tesg/video/scene_change.h"
#include "tesg/video/temporal_consistency.h"

namespace tesg::video {
namespace {

constexpr int kWidth = 160, kHeight = 120, kMargin = 24;

// A smooth random texture larger than the frame, so every pan position is textured.
cv::Mat texture(int seed, int width = kWidth + 2 * kMargin, int height = kHeight + 2 * kMargin) {
  cv::Mat noise(height, width, CV_8U);
  cv::RNG(seed).fill(noise, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 2.0);
  cv::normalize(noise, noise, 0, 255, cv::NORM_MINMAX);
  return noise;
}

// The frame-sized window of `scene` at offset (dx, dy): a camera panning by (dx, dy).
cv::Mat window(const cv::Mat& scene, int dx, int dy) {
  return scene(cv::Rect(kMargin + dx, kMargin + dy, kWidth, kHeight)).clone();
}

// A disc mask on the scene, as a key frame's SIG would mark a target.
cv::Mat disc_mask() {
  cv::Mat m(kHeight + 2 * kMargin, kWidth + 2 * kMargin, CV_32F, cv::Scalar(0));
  cv::circle(m, cv::Point(kMargin + 80, kMargin + 60), 22, cv::Scalar(1), cv::FILLED);
  return m;
}

torch::Tensor tensor_of(const cv::Mat& gray_u8) {
  cv::Mat f;
  gray_u8.convertTo(f, CV_32F, 1.0 / 255);
  return torch::from_blob(f.data, {1, f.rows, f.cols}, torch::kFloat32).clone();
}

data::FusionSample sample_of(const cv::Mat& ir, const cv::Mat& vi) {
  return {"frame", tensor_of(vi).expand({3, vi.rows, vi.cols}).clone(), tensor_of(ir), {}, {}};
}

// IoU of two {0,1} masks.
double iou(const torch::Tensor& a, const torch::Tensor& b) {
  const auto inter = (a * b).sum().item<double>(), uni = ((a + b) > 0).sum().item<double>();
  return uni > 0 ? inter / uni : 1.0;
}

TEST(KeyFrameSemanticsTest, CarriedMaskFollowsAPan) {
  const cv::Mat ir_scene = texture(1), vi_scene = texture(2), mask_scene = disc_mask();
  int dx = 0, dy = 0;
  KeyFrameSemantics semantics(
      [&](data::FusionSample& s) {
        s.mask = tensor_of(window(mask_scene, dx, dy) * 255);
        s.ft = torch::ones({4, 8});
      },
      {/*every=*/100, /*scene_change=*/0, "medium"});
  for (int t = 0; t < 8; ++t) {
    dx = 2 * t, dy = t;  // pans right and down by (2, 1) pixels per frame
    auto sample = sample_of(window(ir_scene, dx, dy), window(vi_scene, dx, dy));
    const bool key = semantics.attach(sample);
    EXPECT_EQ(key, t == 0);
    const auto expected = tensor_of(window(mask_scene, dx, dy) * 255);
    EXPECT_GT(iou(sample.mask, expected), 0.97) << "frame " << t;
    EXPECT_LT((sample.mask - expected).abs().sum().item<double>(), 40) << "frame " << t;
    EXPECT_TRUE(sample.ft.defined() && sample.ft.equal(torch::ones({4, 8}))) << "text kept for the scene";
  }
  EXPECT_EQ(semantics.key_frames(), 1);
}

TEST(KeyFrameSemanticsTest, KeyFramesEveryNAndOnACut) {
  const cv::Mat a = texture(3), b = texture(4);
  cv::Mat bright = a + 120;  // a different scene: other histogram
  int computed = 0;
  KeyFrameSemantics semantics([&](data::FusionSample& s) { s.mask = torch::zeros_like(s.ir), ++computed; },
                              {/*every=*/4, /*scene_change=*/0.35, "fast"});
  std::vector<bool> keys;
  for (int t = 0; t < 10; ++t) {
    const cv::Mat& scene = t < 6 ? a : bright;
    auto sample = sample_of(window(scene, t, 0), window(t < 6 ? b : bright, t, 0));
    keys.push_back(semantics.attach(sample));
  }
  // Every 4th frame (0, 4), the cut at 6 (a new key frame, counting restarts), then 10 would be next.
  const std::vector<bool> expected = {true, false, false, false, true, false, true, false, false, false};
  EXPECT_EQ(keys, expected);
  EXPECT_EQ(computed, 3);
}

TEST(SceneChangeTest, DistanceIsZeroForTheSameFramesAndLargeForACut) {
  const cv::Mat a = window(texture(5), 0, 0), b = window(texture(6), 0, 0);
  SceneChange scene(0.35);
  EXPECT_EQ(scene.distance(a, b), 0.0);  // no key frame yet
  scene.set_key(a, b);
  EXPECT_NEAR(scene.distance(a, b), 0.0, 1e-9);
  EXPECT_FALSE(scene.changed(a, b));
  const cv::Mat dark = a / 4;
  EXPECT_GT(scene.distance(dark, b), 0.5);
  EXPECT_TRUE(scene.changed(dark, b));
  EXPECT_FALSE(SceneChange(0).changed(dark, b)) << "0 = never by content";
}

TEST(OpticalFlowTest, RecoversAShiftAndWarpsByIt) {
  const cv::Mat scene = texture(7);
  const cv::Mat previous = window(scene, 0, 0), current = window(scene, 3, -2);
  const cv::Mat flow = dense_flow(previous, current, "medium");
  const cv::Rect inner(10, 10, kWidth - 20, kHeight - 20);
  const cv::Scalar mean = cv::mean(flow(inner));
  EXPECT_NEAR(mean[0], 3.0, 0.1);
  EXPECT_NEAR(mean[1], -2.0, 0.1);
  cv::Mat difference;
  cv::absdiff(warp_by_flow(previous, flow)(inner), current(inner), difference);
  EXPECT_LT(cv::mean(difference)[0], 1.5);
  EXPECT_EQ(cv::countNonZero(flow_inside(flow)(inner)), inner.area());
  EXPECT_THROW(dense_flow(previous, current, "slowest"), std::exception);
}

TEST(TemporalMeterTest, SeparatesAFlickeringFusionFromAStableOne) {
  const cv::Mat ir_scene = texture(8), vi_scene = texture(9);
  TemporalMeter meter(2, "fast");
  for (int t = 0; t < 10; ++t) {
    const cv::Mat ir = window(ir_scene, t, t / 2), vi = window(vi_scene, t, t / 2);
    cv::Mat stable = cv::max(ir, vi), flickering;
    stable.convertTo(flickering, CV_8U, 1.0, t % 2 ? 14 : -14);  // brightness alternating frame to frame
    meter.add(ir, vi, {stable, flickering});
  }
  const auto s = meter.scores();
  EXPECT_EQ(s.transitions, 9);
  EXPECT_LT(s.flicker(0), 1.3) << "max fusion moves as its sources do";
  EXPECT_GT(s.flicker(1), 3.0) << "E " << s.fused[1] << " against sources " << s.ir << ", " << s.vi;
  EXPECT_GT(s.fused[1], s.fused[0] + 20);

  // A still clip: zero for everyone, and the combination weights clips by their transitions.
  TemporalMeter still(1, "fast");
  const cv::Mat ir = window(ir_scene, 0, 0);
  for (int t = 0; t < 3; ++t) still.add(ir, ir, {ir});
  EXPECT_NEAR(still.scores().fused[0], 0.0, 1e-9);
  const auto both = combine({s, still.scores()});
  EXPECT_EQ(both.transitions, 11);
}

}  // namespace
}  // namespace tesg::video

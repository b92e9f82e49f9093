// Letterboxing as ultralytics' validation: load_image's resize, LetterBox's padding, scale_boxes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "tesg/detect/letterbox.h"

namespace tesg::detect {
namespace {

TEST(LetterboxTest, GeometryOfTheDatasetSizes) {
  const auto msrs = Letterbox::fit(640, 480, 640, 640);  // no resize, 80 rows above and below
  EXPECT_EQ(msrs.resized_w, 640);
  EXPECT_EQ(msrs.resized_h, 480);
  EXPECT_EQ(msrs.left, 0);
  EXPECT_EQ(msrs.top, 80);
  const auto llvip = Letterbox::fit(1280, 1024, 640, 640);
  EXPECT_EQ(llvip.resized_w, 640);
  EXPECT_EQ(llvip.resized_h, 512);
  EXPECT_EQ(llvip.top, 64);
  const auto up = Letterbox::fit(640, 480, 800, 800);  // scaled up: 800 x 600
  EXPECT_EQ(up.resized_w, 800);
  EXPECT_EQ(up.resized_h, 600);
  EXPECT_EQ(up.top, 100);
  const auto odd = Letterbox::fit(622, 459, 640, 640);  // RoadScene: sides rounded up (ceil)
  EXPECT_EQ(odd.resized_w, 640);
  EXPECT_EQ(odd.resized_h, 473);  // ceil(459 * 640 / 622) = ceil(472.28)
  EXPECT_EQ(odd.top, 83);          // round(83.5 - 0.1)
  EXPECT_NEAR(odd.gain_y, 473.0 / 459, 1e-12);
}

TEST(LetterboxTest, CropsAreSeenAtTheScaleOfTheirFrame) {
  const auto msrs = Letterbox::fit_crop(256, 256, 640, 480, 640, 640);  // 1:1, centred
  EXPECT_EQ(msrs.resized_w, 256);
  EXPECT_EQ(msrs.left, 192);
  EXPECT_EQ(msrs.top, 192);
  EXPECT_DOUBLE_EQ(msrs.gain_x, 1.0);
  const auto llvip = Letterbox::fit_crop(256, 256, 1280, 1024, 640, 640);  // the frame's 1/2
  EXPECT_EQ(llvip.resized_w, 128);
  EXPECT_EQ(llvip.resized_h, 128);
  EXPECT_DOUBLE_EQ(llvip.gain_y, 0.5);
  const auto b = llvip.to_input({10, 20, 30, 40});
  EXPECT_FLOAT_EQ(b.x1, 256 + 5);
  EXPECT_FLOAT_EQ(b.y2, 256 + 20);
  const auto back = llvip.to_source(b);
  EXPECT_FLOAT_EQ(back.x2, 30);
}

// The tensor letterbox (what task-driven training differentiates through) gives the validator's
// input: equal up to OpenCV's 8-bit rounding of the resized pixels.
TEST(LetterboxTest, TensorLetterboxEqualsTheImageLetterbox) {
  cv::Mat bgr(459, 622, CV_8UC3);  // RoadScene's odd size: scaled up
  cv::randu(bgr, 0, 256);
  cv::GaussianBlur(bgr, bgr, cv::Size(5, 5), 1.5);
  for (const auto& g : {Letterbox::fit(622, 459, 640, 640), Letterbox::fit(622, 459, 320, 320)}) {
    const auto expected = letterbox_image(bgr, g);
    const auto hwc = torch::from_blob(bgr.data, {bgr.rows, bgr.cols, 3}, torch::kUInt8);
    const auto rgb = hwc.permute({2, 0, 1}).flip({0}).to(torch::kFloat32).div(255).unsqueeze(0);
    const auto got = letterbox_tensor(rgb.requires_grad_(true), g);
    ASSERT_EQ(got.sizes(), (at::IntArrayRef{1, 3, g.input_h, g.input_w}));
    EXPECT_LE((got[0] - expected).abs().max().item<double>(), 1.5 / 255) << g.input_w;
    got.sum().backward();
    EXPECT_GT(rgb.grad().abs().min().item<double>(), 0.0);  // every pixel reaches the input
  }
}

TEST(LetterboxTest, BoxesMapBackAndAreClippedToTheImage) {
  const auto g = Letterbox::fit(1280, 1024, 640, 640);
  const auto b = g.to_source({100, 64 + 50, 200, 64 + 150});
  EXPECT_FLOAT_EQ(b.x1, 200);
  EXPECT_FLOAT_EQ(b.y1, 100);
  EXPECT_FLOAT_EQ(b.x2, 400);
  EXPECT_FLOAT_EQ(b.y2, 300);
  const auto clipped = g.to_source({-10, 0, 700, 640});
  EXPECT_FLOAT_EQ(clipped.x1, 0);
  EXPECT_FLOAT_EQ(clipped.y1, 0);
  EXPECT_FLOAT_EQ(clipped.x2, 1280);
  EXPECT_FLOAT_EQ(clipped.y2, 1024);
}

TEST(LetterboxTest, ImageIsPaddedWithGray114AndTurnedToRgb) {
  cv::Mat bgr(480, 640, CV_8UC3, cv::Scalar(10, 20, 30));  // B, G, R
  const auto t = letterbox_image(bgr, Letterbox::fit(640, 480, 640, 640));
  ASSERT_EQ(t.sizes(), (at::IntArrayRef{3, 640, 640}));
  EXPECT_FLOAT_EQ(t[0][0][0].item<float>(), 114.0f / 255);   // padding
  EXPECT_FLOAT_EQ(t[0][639][0].item<float>(), 114.0f / 255);
  EXPECT_FLOAT_EQ(t[0][80][0].item<float>(), 30.0f / 255);   // R first
  EXPECT_FLOAT_EQ(t[2][80][0].item<float>(), 10.0f / 255);
  EXPECT_FLOAT_EQ(t[1][559][639].item<float>(), 20.0f / 255);
}

}  // namespace
}  // namespace tesg::detect

// Letterboxing as ultralytics' validation: load_image's resize, LetterBox's padding, scale_boxes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>

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

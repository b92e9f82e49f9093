#include "tesg/sig/saliency_masker.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support.h"
#include "tesg/io/image.h"

namespace tesg::sig {
namespace {

// A dark noisy scene [1,H,W] with hot discs of `radius` at `centres`, and the discs' mask.
std::pair<torch::Tensor, torch::Tensor> scene(const std::vector<std::pair<int, int>>& centres,
                                              int radius, int h = 96, int w = 128) {
  const auto rows = torch::arange(h).view({h, 1}).expand({h, w});
  const auto cols = torch::arange(w).view({1, w}).expand({h, w});
  auto discs = torch::zeros({h, w}, torch::kBool);
  for (const auto& [r, c] : centres) {
    discs |= (rows - r).pow(2) + (cols - c).pow(2) <= radius * radius;
  }
  auto ir = 0.15 + 0.03 * torch::randn({1, h, w});
  ir = torch::where(discs.unsqueeze(0), torch::full_like(ir, 0.9), ir).clamp(0, 1);
  return {ir, discs.unsqueeze(0).to(torch::kFloat32)};
}

double iou(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a * b).sum() / ((a + b) > 0).sum()).item<double>();
}

TEST(SaliencyMaskerTest, FindsTheOneHotBlob) {
  const auto [ir, blob] = scene({{40, 70}}, 9);
  const auto mask = saliency_mask(ir);
  ASSERT_EQ(mask.sizes(), ir.sizes());
  EXPECT_GT(iou(mask, blob), 0.85);
  EXPECT_EQ((mask * (1 - blob)).sum().item<float>(), 0.f) << "mask outside the blob";
}

TEST(SaliencyMaskerTest, DropsSpecklesBelowMinimumArea) {
  auto [ir, blob] = scene({{40, 70}}, 9);
  ir[0][10][10] = 1.0;  // a single hot pixel
  ir[0][80][20] = 1.0;
  const auto mask = saliency_mask(ir);
  EXPECT_EQ(mask[0][10][10].item<float>(), 0.f);
  EXPECT_EQ(mask[0][80][20].item<float>(), 0.f);
  EXPECT_GT(iou(mask, blob), 0.85);
}

TEST(SaliencyMaskerTest, UniformSceneHasNoTarget) {
  EXPECT_EQ(saliency_mask(torch::full({1, 40, 50}, 0.4)).sum().item<float>(), 0.f);
}

TEST(SaliencyMaskerTest, FindsPeopleInRealMsrsNightFrame) {
  TESG_REQUIRE_SHARED_DATA();
  const auto ir = io::read_infrared(test::shared_data("MSRS/test/ir/00004N.png"));
  const auto mask = saliency_mask(ir);
  const double coverage = mask.mean().item<double>();
  EXPECT_GT(coverage, 0.001);  // some target found
  EXPECT_LT(coverage, 0.25);   // not the whole scene
  // Masked pixels are much hotter than the rest (measured 0.237 vs 0.052).
  const double inside = (ir * mask).sum().item<double>() / mask.sum().item<double>();
  const double outside = (ir * (1 - mask)).sum().item<double>() / (1 - mask).sum().item<double>();
  EXPECT_GT(inside, 3 * outside);
  EXPECT_EQ(mask[0][260][535].item<float>(), 1.f) << "the pedestrian in the foreground";
}

}  // namespace
}  // namespace tesg::sig

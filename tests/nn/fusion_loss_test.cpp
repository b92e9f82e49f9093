#include "tesg/nn/fusion_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/nn/color.h"

namespace tesg::nn {
namespace {

TEST(ColorTest, LumaAndChromaFollowBT601) {
  const auto rgb = torch::tensor({0.2f, 0.5f, 0.9f}).view({1, 3, 1, 1});
  EXPECT_NEAR(rgb_to_gray(rgb).item<float>(), 0.299 * 0.2 + 0.587 * 0.5 + 0.114 * 0.9, 1e-6);
  const auto cbcr = rgb_to_cbcr(rgb).flatten();
  EXPECT_NEAR(cbcr[0].item<float>(), -0.168736 * 0.2 - 0.331264 * 0.5 + 0.5 * 0.9, 1e-6);
  EXPECT_NEAR(cbcr[1].item<float>(), 0.5 * 0.2 - 0.418688 * 0.5 - 0.081312 * 0.9, 1e-6);
  // Gray pixels carry no chroma.
  EXPECT_NEAR(rgb_to_cbcr(torch::full({1, 3, 2, 2}, 0.7)).abs().max().item<float>(), 0, 1e-6);
}

TEST(ColorTest, LumaAndChromaInvertToRgb) {
  torch::manual_seed(3);
  const auto rgb = torch::rand({2, 3, 5, 7});
  EXPECT_LT((gray_cbcr_to_rgb(rgb_to_gray(rgb), rgb_to_cbcr(rgb)) - rgb).abs().max().item<float>(),
            1e-5);
}

TEST(FusionLossTest, ColorLossOfVisibleWithItselfIsZero) {
  const auto vi = torch::rand({2, 3, 8, 8});
  EXPECT_EQ(color_loss(vi, vi).item<float>(), 0.f);
  EXPECT_GT(color_loss(vi.flip({1}), vi).item<float>(), 0.f);
}

TEST(FusionLossTest, IntensityLossPicksBrighterSourcePerPixel) {
  // Left column: visible brighter (mean 0.6 > ir 0.1); right column: infrared brighter (0.9).
  auto vi = torch::full({1, 3, 1, 2}, 0.6f);
  auto ir = torch::tensor({0.1f, 0.9f}).view({1, 1, 1, 2});
  auto target = torch::tensor({0.6f, 0.9f}).view({1, 1, 1, 2}).expand({1, 3, 1, 2});
  EXPECT_NEAR(intensity_loss(target, vi, ir).item<float>(), 0, 1e-7);
  // A fused image of zeros is off by the target's mean: (0.6 + 0.9) / 2.
  EXPECT_NEAR(intensity_loss(torch::zeros_like(vi), vi, ir).item<float>(), 0.75, 1e-6);
}

TEST(FusionLossTest, GradientLossOfVerticalStepEdge) {
  // ir has a step 0 -> 1 between columns k-1 and k; vi and F are flat. Sobel-x is 4 in columns
  // k-1 and k of every row (replicate padding keeps the border rows), 0 elsewhere; Sobel-y is 0.
  const int64_t h = 6, w = 10, k = 4;
  auto ir = torch::zeros({1, 1, h, w});
  ir.narrow(3, k, w - k).fill_(1);
  const auto flat = torch::zeros({1, 3, h, w});
  EXPECT_NEAR(gradient_loss(flat, flat, ir).item<float>(), 8.0 / w, 1e-6);
  // F that reproduces the edge in every channel has no gradient loss.
  EXPECT_NEAR(gradient_loss(ir.expand({1, 3, h, w}), flat, ir).item<float>(), 0, 1e-6);
}

TEST(FusionLossTest, EdgeTransferLossFollowsTheStrongerSourceWithItsSign) {
  // ir: a step 0 -> 1 (Sobel-x +4 at columns k-1, k); vi: a weaker step 1 -> 0.5 (-2 there).
  const int64_t h = 6, w = 10, k = 4;
  auto ir = torch::zeros({1, 1, h, w});
  ir.narrow(3, k, w - k).fill_(1);
  auto vi = torch::ones({1, 3, h, w});
  vi.narrow(3, k, w - k).fill_(0.5);
  // ir's edge is the stronger one: F = ir has no loss, F = vi is off by 4 - (-2) in 2 columns.
  EXPECT_NEAR(edge_transfer_loss(ir.expand({1, 3, h, w}), vi, ir).item<float>(), 0, 1e-6);
  EXPECT_NEAR(edge_transfer_loss(vi, vi, ir).item<float>(), 2 * 6.0 / w, 1e-5);
  // The magnitude-only L_grad cannot see the wrong sign: a mirrored edge of the right strength.
  const auto mirrored = 1 - ir.expand({1, 3, h, w});
  EXPECT_NEAR(gradient_loss(mirrored, vi, ir).item<float>(), 0, 1e-6);
  EXPECT_NEAR(edge_transfer_loss(mirrored, vi, ir).item<float>(), 2 * 8.0 / w, 1e-5);
  // Only computed when weighted.
  EXPECT_EQ(fusion_loss(vi, vi, ir).edge.item<float>(), 0.f);
  EXPECT_GT(fusion_loss(vi, vi, ir, FusionLossOptions().edge(1)).edge.item<float>(), 0.f);
}

TEST(FusionLossTest, TotalIsWeightedSumOfTerms) {
  const auto vi = torch::rand({2, 3, 16, 16}), ir = torch::rand({2, 1, 16, 16});
  const auto fused = torch::rand({2, 3, 16, 16});
  const auto options = FusionLossOptions().intensity(2).ssim_vi(3).ssim_ir(5).color(7).grad(11).edge(13);
  const auto t = fusion_loss(fused, vi, ir, options);
  const auto expected = 2 * t.intensity + 3 * t.ssim_vi + 5 * t.ssim_ir + 7 * t.color + 11 * t.grad + 13 * t.edge;
  EXPECT_NEAR(t.total.item<float>(), expected.item<float>(), 1e-4);
  for (const auto& term : {t.intensity, t.ssim_vi, t.ssim_ir, t.color, t.grad, t.edge}) {
    EXPECT_GT(term.item<float>(), 0.f);
  }
}

TEST(FusionLossTest, SsimTermsVanishForPerfectSources) {
  // F = vi and ir = gray(vi): both SSIM terms are 1 - 1 = 0.
  const auto vi = torch::rand({1, 3, 24, 24});
  const auto t = fusion_loss(vi, vi, rgb_to_gray(vi));
  EXPECT_NEAR(t.ssim_vi.item<float>(), 0, 1e-5);
  EXPECT_NEAR(t.ssim_ir.item<float>(), 0, 1e-5);
  EXPECT_EQ(t.color.item<float>(), 0.f);
}

}  // namespace
}  // namespace tesg::nn

#include "tesg/nn/fusion_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/nn/color.h"
#include "tesg/nn/metric_losses.h"

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

TEST(FusionLossTest, MetricTermsAreOneMinusTheScoresAndOnlyComputedWhenWeighted) {
  const auto vi = torch::rand({2, 3, 32, 32}), ir = torch::rand({2, 1, 32, 32});
  const auto fused = torch::rand({2, 3, 32, 32});
  const auto f = rgb_to_gray(fused) * 255, b = rgb_to_gray(vi) * 255, a = ir * 255;
  EXPECT_NEAR(metric_loss(MetricLoss::kQabf, fused, vi, ir).item<double>(),
              1 - qabf_score(f, a, b, false).mean().item<double>(), 1e-6);
  EXPECT_NEAR(metric_loss(MetricLoss::kVif, fused, vi, ir).item<double>(),
              1 - vif_score(f, a, b).mean().item<double>() / 2, 1e-6);
  const auto unweighted = fusion_loss(fused, vi, ir);
  EXPECT_EQ(unweighted.qabf.item<float>(), 0.f);
  EXPECT_EQ(unweighted.vif.item<float>(), 0.f);
  const auto weighted = fusion_loss(fused, vi, ir, FusionLossOptions().qabf(1).vif(1));
  EXPECT_NEAR(weighted.qabf.item<double>(), metric_loss(MetricLoss::kQabf, fused, vi, ir).item<double>(), 1e-6);
  EXPECT_EQ(weighted.qabf.scalar_type(), torch::kFloat32);
}

TEST(FusionLossTest, TotalIsWeightedSumOfTerms) {
  const auto vi = torch::rand({2, 3, 32, 32}), ir = torch::rand({2, 1, 32, 32});
  const auto fused = torch::rand({2, 3, 32, 32});
  const auto options =
      FusionLossOptions().intensity(2).ssim_vi(3).ssim_ir(5).color(7).grad(11).qabf(13).vif(17);
  const auto t = fusion_loss(fused, vi, ir, options);
  const auto expected = 2 * t.intensity + 3 * t.ssim_vi + 5 * t.ssim_ir + 7 * t.color +
                        11 * t.grad + 13 * t.qabf + 17 * t.vif;
  EXPECT_NEAR(t.total.item<float>(), expected.item<float>(), 1e-4);
  for (const auto& term : {t.intensity, t.ssim_vi, t.ssim_ir, t.color, t.grad, t.qabf, t.vif}) {
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

#include "tesg/nn/edge_guided_fusion.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "tesg/nn/gaussian.h"
#include "tesg/nn/metric_losses.h"

namespace tesg::nn {
namespace {

// Options that leave only the detail swaps (no darker low-pass, no dark-tone gain).
EdgeGuidedFusionOptions swaps_only() { return EdgeGuidedFusionOptions().darker_weight(0).dark_gain(1); }

float max_abs(const torch::Tensor& t) { return t.abs().max().item<float>(); }

// Vertical stripes of `amplitude` around `level`, [1,1,h,w] in [0,1].
torch::Tensor stripes(int64_t h, int64_t w, double level, double amplitude) {
  const auto x = torch::arange(w, torch::kFloat32).view({1, 1, 1, w});
  return (level + amplitude * torch::sin(x * 0.7)).expand({1, 1, h, w}).contiguous();
}

TEST(GaussianBlurTest, ImpulseResponseIsTheNormalisedGaussianAndConstantsStay) {
  const double sigma = 1.5;
  auto impulse = torch::zeros({1, 1, 21, 21}, torch::kFloat64);
  impulse[0][0][10][10] = 1;
  const auto response = gaussian_blur(impulse, sigma);
  const int radius = 6;  // round(4 sigma)
  double norm = 0;
  for (int i = -radius; i <= radius; ++i) norm += std::exp(-i * i / (2 * sigma * sigma));
  EXPECT_NEAR(response[0][0][10][10].item<double>(), 1 / (norm * norm), 1e-12);
  EXPECT_NEAR(response[0][0][10][12].item<double>(), std::exp(-4 / (2 * sigma * sigma)) / (norm * norm), 1e-12);
  EXPECT_NEAR(response.sum().item<double>(), 1, 1e-12);
  // Edge pixels are repeated: a constant image stays constant up to the border, any size.
  const auto flat = torch::full({2, 1, 5, 3}, 0.25, torch::kFloat64);
  EXPECT_LT(max_abs(gaussian_blur(flat, 8.0) - flat), 1e-12);
}

// With a flat, darker infrared there is no edge to take from it: max fusion (the visible image)
// comes back exactly, on the 8-bit grid.
TEST(EdgeGuidedFusionTest, FlatDarkerSourceLeavesMaxFusion) {
  torch::manual_seed(0);
  const auto vi = (torch::rand({2, 1, 40, 48}) * 200 + 40).round() / 255;
  const auto ir = torch::full({2, 1, 40, 48}, 20.0 / 255);
  const auto fused = edge_guided_fusion(ir, vi, swaps_only());
  EXPECT_EQ(fused.sizes(), vi.sizes());
  EXPECT_EQ(fused.scalar_type(), torch::kFloat32);
  EXPECT_LT(max_abs(fused - vi), 1e-6);
}

// A bright flat infrared hides the visible stripes under max fusion; the edge-guided fusion
// keeps the infrared's level and takes the visible detail, which Qabf scores higher.
TEST(EdgeGuidedFusionTest, TakesTheDarkerSourcesDetailWhereItsEdgesScoreBetter) {
  const int64_t h = 96, w = 128, margin = 32;
  const auto vi = stripes(h, w, 0.3, 0.15), ir = torch::full({1, 1, h, w}, 0.8);
  const auto fused = edge_guided_fusion(ir, vi, swaps_only());
  const auto max = torch::max(ir, vi);
  // Away from the zero-padded frame, whose artificial edges are the infrared's only ones.
  const auto centre = [&](const torch::Tensor& t) {
    return t.narrow(2, margin, h - 2 * margin).narrow(3, margin, w - 2 * margin);
  };
  // Level of the infrared, detail of the visible (its low-pass is its mean: 0.3).
  EXPECT_NEAR(centre(fused).mean().item<float>(), 0.8, 0.01);
  EXPECT_LT(max_abs(centre(fused - ir) - centre(vi - 0.3)), 0.02);
  const auto scale = [&](const torch::Tensor& t) { return centre(t).to(torch::kFloat64) * 255; };
  EXPECT_GT(qabf_score(scale(fused), scale(ir), scale(vi), false).item<double>(),
            qabf_score(scale(max), scale(ir), scale(vi), false).item<double>() + 0.5);
}

// Equal sources: no swap changes anything, and the tones below the mean are stretched by
// dark_gain about it; the darker source's low-pass adds darker_weight times its zero-mean blur.
TEST(EdgeGuidedFusionTest, DarkGainAndDarkerLowPassFollowTheirOptions) {
  const auto ramp = (torch::arange(64, torch::kFloat64).view({1, 1, 1, 64}) * 2 + 60)
                        .expand({1, 1, 8, 64}).contiguous() / 255;
  const auto gained = edge_guided_fusion(ramp, ramp, swaps_only().dark_gain(1.25));
  const double pivot = ramp.mean().item<double>() * 255;  // 123: no tie to round
  const auto expected = torch::where(ramp * 255 < pivot, pivot + 1.25 * (ramp * 255 - pivot), ramp * 255).round() / 255;
  EXPECT_LT(max_abs(gained - expected), 1e-6);
  const auto lifted = edge_guided_fusion(ramp, ramp, swaps_only().darker_weight(0.25).darker_sigma(2));
  const auto low_pass = gaussian_blur(ramp * 255, 2);
  const auto expected_lift = (ramp * 255 + 0.25 * (low_pass - pivot)).round() / 255;
  EXPECT_LT(max_abs(lifted - expected_lift), 1e-6);
}

TEST(EdgeGuidedFusionTest, OutputIsOnTheEightBitGridWithinRange) {
  torch::manual_seed(3);
  const auto ir = torch::rand({1, 1, 33, 35}), vi = torch::rand({1, 1, 33, 35});
  const auto fused = edge_guided_fusion(ir, vi) * 255;
  EXPECT_LT(max_abs(fused - fused.round()), 1e-4);
  EXPECT_GE(fused.min().item<float>(), 0);
  EXPECT_LE(fused.max().item<float>(), 255);
}

}  // namespace
}  // namespace tesg::nn

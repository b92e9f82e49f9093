#include "tesg/metrics/fusion_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "support.h"
#include "tesg/error.h"

namespace tesg::metrics {
namespace {

GrayImage make(int64_t h, int64_t w, const std::function<int(int64_t, int64_t)>& value) {
  GrayImage g{h, w, std::vector<uint8_t>(static_cast<size_t>(h * w))};
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) g.pixels[static_cast<size_t>(r * w + c)] = value(r, c);
  }
  return g;
}

GrayImage random_image(int64_t h, int64_t w, int max_value, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(0, max_value);
  return make(h, w, [&](int64_t, int64_t) { return dist(rng); });
}

double metric(const std::string& name, const GrayImage& f, const GrayImage& a,
              const GrayImage& b) {
  return compute_metrics(f, a, b, find_metrics({name}))[0];
}

TEST(FusionMetricsTest, ConstantImageHasNoInformationOrDetail) {
  const auto flat = make(20, 30, [](int64_t, int64_t) { return 77; });
  const auto other = random_image(20, 30, 255, 1);
  for (const auto* name : {"EN", "SD", "SF", "AG"}) {
    EXPECT_EQ(metric(name, flat, other, other), 0.0) << name;
  }
}

TEST(FusionMetricsTest, TwoEqualLevelsHaveOneBitOfEntropy) {
  const auto halves = make(10, 16, [](int64_t, int64_t c) { return c < 8 ? 0 : 255; });
  EXPECT_DOUBLE_EQ(metric("EN", halves, halves, halves), 1.0);
  // SD of two equal halves at 0 and 255 is 127.5; SF: one jump of 255 per row over 15 steps.
  EXPECT_DOUBLE_EQ(metric("SD", halves, halves, halves), 127.5);
  EXPECT_NEAR(metric("SF", halves, halves, halves), std::sqrt(255.0 * 255.0 / 15), 1e-9);
}

TEST(FusionMetricsTest, MutualInformationOfImageWithItselfIsItsEntropyInNats) {
  const auto img = random_image(40, 50, 255, 2);
  const double entropy_bits = metric("EN", img, img, img);
  EXPECT_NEAR(metric("MI", img, img, img), 2 * entropy_bits * std::log(2.0), 1e-9);
  EXPECT_NEAR(metric("MI_bits", img, img, img), 2 * entropy_bits, 1e-9);
}

TEST(FusionMetricsTest, IdenticalImagesScorePerfectStructureAndFidelity) {
  const auto img = random_image(40, 50, 255, 3);
  EXPECT_NEAR(metric("SSIM", img, img, img), 2.0, 1e-6);  // float32 arithmetic, as upstream
  EXPECT_NEAR(metric("SSIM_255", img, img, img), 2.0, 1e-6);
  EXPECT_NEAR(metric("VIF", img, img, img), 2.0, 1e-9);
  EXPECT_NEAR(metric("CC", img, img, img), 1.0, 1e-12);
  EXPECT_EQ(metric("MSE", img, img, img), 0.0);
  EXPECT_EQ(metric("Nabf", img, img, img), 0.0);  // F never exceeds both sources
}

TEST(FusionMetricsTest, CorrelationsOfLinearCombinations) {
  const auto a = random_image(30, 40, 120, 4), b = random_image(30, 40, 120, 5);
  // F = A + B: F - B = A and F - A = B, so both SCD terms are 1.
  const auto sum = make(30, 40, [&](int64_t r, int64_t c) { return a.at(r, c) + b.at(r, c); });
  EXPECT_NEAR(metric("SCD", sum, a, b), 2.0, 1e-12);
  // F = 2A + 3 correlates perfectly with A; CC is the mean of r(A,F) and r(B,F).
  const auto affine = make(30, 40, [&](int64_t r, int64_t c) { return 2 * a.at(r, c) + 3; });
  EXPECT_NEAR(metric("CC", affine, a, a), 1.0, 1e-12);
  const double r_bf = metric("CC", affine, b, b);
  EXPECT_NEAR(metric("CC", affine, a, b), (1.0 + r_bf) / 2, 1e-12);
}

TEST(FusionMetricsTest, QabfOfFusedEqualToSourcesKeepsEqualGradientQuirk) {
  // Equal gradients give G = gF (not 1): with integer Sobel strengths >= 1, Qg is
  // 0.9994 / (1 + exp(-15 (g - 0.5))) and Qa = 0.9879 / (1 + exp(-22 * 0.2)).
  const auto img = make(12, 12, [](int64_t r, int64_t c) { return (r * 7 + c * 13) % 50; });
  FusionTriple t(img, img, img);
  const auto& e = t.qabf_edges(FusionTriple::kFused);
  double num = 0, den = 0;
  const double qa = 0.9879 / (1 + std::exp(-22 * (1 - 0.8)));
  for (const double g : e.g) {
    num += 2 * g * 0.9994 / (1 + std::exp(-15 * (g - 0.5))) * qa;
    den += 2 * g;
  }
  EXPECT_NEAR(metric("Qabf", img, img, img), num / den, 1e-12);
  EXPECT_GT(metric("Qabf", img, img, img), 0.97);
}

TEST(FusionMetricsTest, EveryMetricIsSymmetricInTheTwoSources) {
  const auto a = random_image(48, 64, 255, 6), b = random_image(48, 64, 255, 7);
  const auto f = make(48, 64, [&](int64_t r, int64_t c) { return (a.at(r, c) + b.at(r, c)) / 2; });
  const auto metrics = find_metrics(default_metric_names());
  const auto ab = compute_metrics(f, a, b, metrics), ba = compute_metrics(f, b, a, metrics);
  for (size_t k = 0; k < metrics.size(); ++k) {
    EXPECT_NEAR(ab[k], ba[k], 1e-9 * std::max(1.0, std::abs(ab[k]))) << metrics[k].name;
  }
}

TEST(FusionMetricsTest, PsnrUsesTheFusedPeak) {
  const auto a = make(8, 8, [](int64_t, int64_t) { return 10; });
  const auto f = make(8, 8, [](int64_t r, int64_t) { return r == 0 ? 100 : 20; });
  // MSE = mean((F - 10)^2) = (8 * 90^2 + 56 * 10^2) / 64 for both sources.
  const double mse = (8 * 8100.0 + 56 * 100.0) / 64;
  EXPECT_DOUBLE_EQ(metric("MSE", f, a, a), mse);
  EXPECT_NEAR(metric("PSNR", f, a, a), 10 * std::log10(100.0 * 100.0 / mse), 1e-12);
}

TEST(FusionMetricsTest, MultiScaleSsimNeedsLargeImages) {
  const auto small = random_image(100, 200, 255, 8);
  EXPECT_TRUE(std::isnan(metric("MS_SSIM", small, small, small)));
  const auto large = random_image(170, 180, 255, 9);
  EXPECT_NEAR(metric("MS_SSIM", large, large, large), 2.0, 1e-9);
  EXPECT_NEAR(metric("MS_SSIM_std", large, large, large), 2.0, 1e-9);
}

TEST(FusionMetricsTest, RejectsMismatchedSizesAndUnknownNames) {
  const auto a = random_image(10, 10, 255, 1), b = random_image(10, 12, 255, 1);
  EXPECT_THROW_WITH(FusionTriple(a, a, b), DataError, "size mismatch: fused 10x10, infrared 10x10, visible 12x10");
  EXPECT_THROW_WITH(find_metrics({"EN", "ENT"}), Error, "unknown metric 'ENT'");
  EXPECT_EQ(find_metrics({"qabf"})[0].name, "Qabf");  // names are case-insensitive
}

}  // namespace
}  // namespace tesg::metrics

#include "tesg/nn/metric_losses.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <random>

#include "tesg/metrics/fusion_metrics.h"

namespace tesg::nn {
namespace {

// A structured 8-bit image: smooth blobs, a hard step, random texture and a flat patch, so that
// every branch of the metrics (flat windows, zero gradients, x = 0, all orientations) is hit.
torch::Tensor test_image(int64_t h, int64_t w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  const auto ys = torch::arange(h, torch::kFloat64).view({h, 1}) / h;
  const auto xs = torch::arange(w, torch::kFloat64).view({1, w}) / w;
  auto img = 90 + 60 * torch::sin(6.28 * (u(rng) * 3 * xs + u(rng) * 2 * ys + u(rng)));
  img = img + 70 * (xs > u(rng)).to(torch::kFloat64) * (ys < 0.7).to(torch::kFloat64);
  img = img + 25 * torch::rand({h, w}, torch::TensorOptions().dtype(torch::kFloat64));
  img.narrow(0, h / 4, h / 5).narrow(1, w / 3, w / 4).fill_(40 + 100 * u(rng));
  return img.round().clamp(0, 255).view({1, 1, h, w});
}

metrics::GrayImage to_gray_image(const torch::Tensor& t) {
  const auto u8 = t.squeeze().to(torch::kUInt8).contiguous();
  const auto* p = u8.data_ptr<uint8_t>();
  return {u8.size(0), u8.size(1), std::vector<uint8_t>(p, p + u8.numel())};
}

struct Triple {
  torch::Tensor fused, ir, vi;
};

Triple test_triple(int64_t h, int64_t w, unsigned seed) {
  torch::manual_seed(seed);
  Triple t{torch::Tensor(), test_image(h, w, seed), test_image(h, w, seed + 1)};
  t.fused = ((t.ir + t.vi) / 2).round();  // mean fusion: far from perfect on both metrics
  return t;
}

TEST(MetricLossesTest, ScoresEqualTheEvaluatorsMetrics) {
  for (const auto& [h, w] : {std::pair<int64_t, int64_t>{40, 56}, {97, 83}}) {
    const auto t = test_triple(h, w, static_cast<unsigned>(h));
    metrics::FusionTriple triple(to_gray_image(t.fused), to_gray_image(t.ir), to_gray_image(t.vi));
    EXPECT_NEAR(qabf_score(t.fused, t.ir, t.vi).item<double>(), metrics::qabf(triple), 1e-9) << h;
    EXPECT_NEAR(vif_score(t.fused, t.ir, t.vi).item<double>(),
                metrics::visual_information_fidelity(triple), 1e-9) << h;
  }
}

TEST(MetricLossesTest, QabfWithoutTheFrameLeavesOutOnlyTheFramePixels) {
  auto t = test_triple(40, 48, 4);
  // Images whose outer two rows and columns are 0 have no edges on the 1-pixel frame, padded or
  // not: both forms must then agree exactly.
  const auto black_border = [](const torch::Tensor& x) {
    auto y = torch::zeros_like(x);
    y.narrow(2, 2, 36).narrow(3, 2, 44).copy_(x.narrow(2, 2, 36).narrow(3, 2, 44));
    return y;
  };
  const auto f = black_border(t.fused), a = black_border(t.ir), b = black_border(t.vi);
  EXPECT_NEAR(qabf_score(f, a, b, false).item<double>(), qabf_score(f, a, b, true).item<double>(), 1e-12);
  // With content up to the border, the padded form adds the strong zero-padding edges.
  EXPECT_GT(std::abs(qabf_score(t.fused, t.ir, t.vi, false).item<double>() -
                     qabf_score(t.fused, t.ir, t.vi, true).item<double>()), 1e-3);
}

TEST(MetricLossesTest, BatchGivesOneScorePerImage) {
  const auto a = test_triple(48, 48, 3), b = test_triple(48, 48, 9);
  const auto fused = torch::cat({a.fused, b.fused}), ir = torch::cat({a.ir, b.ir});
  const auto vi = torch::cat({a.vi, b.vi});
  const auto q = qabf_score(fused, ir, vi), v = vif_score(fused, ir, vi);
  ASSERT_EQ(q.sizes(), torch::IntArrayRef({2}));
  EXPECT_NEAR(q[1].item<double>(), qabf_score(b.fused, b.ir, b.vi).item<double>(), 1e-12);
  EXPECT_NEAR(v[0].item<double>(), vif_score(a.fused, a.ir, a.vi).item<double>(), 1e-12);
}

TEST(MetricLossesTest, ScoresAreKnownForTrivialFusions) {
  const auto t = test_triple(48, 64, 5);
  // F = ir: VIF(ir, ir) = 1 exactly, Qabf's ir term is Qg(1) Qa(1) at every edge of ir.
  EXPECT_GT(vif_score(t.ir, t.ir, t.vi).item<double>(), 1.0);
  EXPECT_NEAR(vif_score(t.ir, t.ir, t.ir).item<double>(), 2.0, 1e-9);
  // F = A = B: every edge is copied, Qa = Qa(1) = 0.9879 / (1 + e^-4.4); equal strengths give
  // G = gF >= 1 (the MATLAB quirk), so Qg is within [Qg(1), 0.9994].
  const double qa = 0.9879 / (1 + std::exp(-4.4));
  EXPECT_NEAR(qabf_score(t.ir, t.ir, t.ir).item<double>(), 0.99912 * qa, 3e-4 * qa);
}

TEST(MetricLossesTest, GradientAscentRaisesBothScoresAndStaysFinite) {
  const auto t = test_triple(64, 64, 11);
  using Score = std::function<torch::Tensor(const torch::Tensor&)>;
  const Score qabf = [&](const torch::Tensor& f) { return qabf_score(f, t.ir, t.vi); };
  const Score vif = [&](const torch::Tensor& f) { return vif_score(f, t.ir, t.vi); };
  for (const auto& score : {qabf, vif}) {
    auto fused = t.fused.clone().requires_grad_(true);
    const double before = score(fused).item<double>();
    torch::optim::Adam opt({fused}, torch::optim::AdamOptions(1.0));
    for (int step = 0; step < 20; ++step) {
      opt.zero_grad();
      const auto s = score(fused).sum();
      (-s).backward();
      ASSERT_TRUE(torch::isfinite(fused.grad()).all().item<bool>());
      opt.step();
    }
    EXPECT_GT(score(fused).item<double>(), before + 0.02);
  }
}

TEST(MetricLossesTest, FlatSourcesGiveFiniteScoresAndGradients) {
  // A night crop can be one gray level in both sources: 0/0 in both metrics (a NaN training
  // loss before; 32x32 crops hit it within a few steps).
  const auto flat = torch::full({2, 1, 32, 32}, 17.0, torch::kFloat64);
  auto fused = test_image(32, 32, 3).repeat({2, 1, 1, 1}).requires_grad_(true);
  const auto vif = vif_score(fused, flat, flat), qabf = qabf_score(fused, flat, flat, false);
  EXPECT_TRUE(torch::allclose(vif, torch::full({2}, 2.0, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(qabf, torch::ones({2}, torch::kFloat64)));
  (vif.sum() + qabf.sum()).backward();
  EXPECT_TRUE(torch::isfinite(fused.grad()).all().item<bool>());
  // One flat source, one textured: the textured term still has its gradient.
  fused.mutable_grad().zero_();
  vif_score(fused, flat, test_image(32, 32, 4).repeat({2, 1, 1, 1})).sum().backward();
  EXPECT_TRUE(torch::isfinite(fused.grad()).all().item<bool>());
  EXPECT_GT(fused.grad().abs().sum().item<double>(), 0);
}

TEST(MetricLossesTest, FloatInputsGiveGradientsOfTheirOwnType) {
  const auto t = test_triple(32, 32, 2);
  auto fused = t.fused.to(torch::kFloat32).requires_grad_(true);
  (qabf_score(fused, t.ir, t.vi) + vif_score(fused, t.ir, t.vi)).sum().backward();
  EXPECT_EQ(fused.grad().scalar_type(), torch::kFloat32);
  EXPECT_GT(fused.grad().abs().sum().item<double>(), 0);
}

}  // namespace
}  // namespace tesg::nn

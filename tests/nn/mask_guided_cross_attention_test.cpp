#include "tesg/nn/mask_guided_cross_attention.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model_fixtures.h"

namespace tesg::nn {
namespace {

TEST(MaskGuidedCrossAttentionTest, KeepsShapes) {
  MaskGuidedCrossAttention mgca(MaskGuidedCrossAttentionOptions(8).heads(2));
  const auto f = [] { return torch::randn({2, 8, 6, 7}); };
  const auto [fvi, fiv] = mgca(f(), f(), f(), f());
  EXPECT_EQ(fvi.sizes(), (std::vector<int64_t>{2, 8, 6, 7}));
  EXPECT_EQ(fiv.sizes(), (std::vector<int64_t>{2, 8, 6, 7}));
}

TEST(MaskGuidedCrossAttentionTest, SumsForegroundAndBackgroundReconstructions) {
  MaskGuidedCrossAttention mgca(MaskGuidedCrossAttentionOptions(8).heads(2));
  const auto fv_m = torch::randn({1, 8, 5, 5}), fv_mb = torch::randn({1, 8, 5, 5});
  const auto fi_m = torch::randn({1, 8, 5, 5}), fi_mb = torch::randn({1, 8, 5, 5});
  const auto [fvi, fiv] = mgca(fv_m, fv_mb, fi_m, fi_mb);
  // Eq. 6 term by term.
  EXPECT_TRUE(torch::allclose(fvi, mgca->ca_vi_m(fv_m, fi_m) + mgca->ca_vi_mb(fv_mb, fi_mb), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(fiv, mgca->ca_iv_m(fi_m, fv_m) + mgca->ca_iv_mb(fi_mb, fv_mb), 1e-5, 1e-5));
}

TEST(MaskGuidedCrossAttentionTest, AllOnesAndAllZerosMasksGiveDifferentFusion) {
  TeSG model(test::small_model());
  torch::NoGradGuard no_grad;
  const auto in = test::random_inputs(1, 16, 16);
  const auto ones = model(in.vi, in.ir, torch::ones_like(in.mask), in.ft);
  const auto zeros = model(in.vi, in.ir, torch::zeros_like(in.mask), in.ft);
  EXPECT_GT((ones - zeros).abs().max().item<float>(), 1e-5);
}

}  // namespace
}  // namespace tesg::nn

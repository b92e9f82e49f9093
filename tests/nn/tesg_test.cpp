#include "tesg/nn/tesg.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model_fixtures.h"

namespace tesg::nn {
namespace {

using test::random_inputs;
using test::small_model;

TEST(TeSGTest, KeepsOddInputSize) {
  TeSG model(small_model());
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(1, 346, 507);
  const auto out = model(in.vi, in.ir, in.mask, in.ft);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 346, 507}));
  EXPECT_GE(out.min().item<float>(), 0.f);
  EXPECT_LE(out.max().item<float>(), 1.f);
}

TEST(TeSGTest, PaddingPathKeepsSizeDownToOnePixel) {
  TeSG model(small_model().pad_multiple(8));
  torch::NoGradGuard no_grad;
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 2}, {13, 9}}) {
    const auto in = random_inputs(2, h, w);
    const auto out = model(in.vi, in.ir, in.mask, in.ft);
    EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 3, h, w})) << h << "x" << w;
  }
}

TEST(TeSGTest, BatchItemsAreIndependent) {
  TeSG model(small_model());
  model->eval();
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(3, 20, 24);
  const auto batched = model(in.vi, in.ir, in.mask, in.ft);
  const auto single = model(in.vi.narrow(0, 1, 1), in.ir.narrow(0, 1, 1),
                            in.mask.narrow(0, 1, 1), in.ft.narrow(0, 1, 1));
  // float32 sums in a different order: 1e-5 is far below any real difference (~1e-2).
  EXPECT_TRUE(torch::allclose(batched.narrow(0, 1, 1), single, 1e-5, 1e-5));
}

TEST(TeSGTest, InferenceAndTrainingPathsAgree) {
  // Inference encodes the three MGCA inputs one by one, training in one batch.
  TeSG model(small_model());
  model->eval();
  const auto in = random_inputs(2, 12, 14);
  const auto batched = model(in.vi, in.ir, in.mask, in.ft).detach();
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(model(in.vi, in.ir, in.mask, in.ft), batched, 1e-5, 1e-5));
}

TEST(TeSGTest, GradientReachesEveryParameter) {
  for (const bool with_text : {true, false}) {
    TeSG model(small_model());
    const auto in = random_inputs(2, 16, 16);
    const auto ft = with_text ? in.ft : torch::Tensor();
    model(in.vi, in.ir, in.mask, ft).mean().backward();
    for (const auto& p : model->named_parameters()) {
      const bool unused = with_text && p.key() == "null_text";  // replaced by the given Ft
      const bool has_grad = p.value().grad().defined() && p.value().grad().abs().sum().item<float>() > 0;
      EXPECT_EQ(has_grad, !unused) << p.key() << (with_text ? " (with text)" : " (null text)");
    }
  }
}

TEST(TeSGTest, TivrSwitchRemovesTextPath) {
  TeSG with(small_model()), without(small_model().tivr(false));
  EXPECT_LT(test::parameter_count(*without), test::parameter_count(*with));
  EXPECT_FALSE(without->tdaf->tivr);
  EXPECT_EQ(without->named_parameters().find("null_text"), nullptr);
  // Without TIVR the text semantics cannot change the output.
  without->eval();
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(1, 16, 16);
  const auto a = without(in.vi, in.ir, in.mask, in.ft);
  const auto b = without(in.vi, in.ir, in.mask, torch::randn_like(in.ft));
  EXPECT_TRUE(torch::equal(a, b));
}

TEST(TeSGTest, TextChangesOutputWithTivr) {
  TeSG model(small_model());
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(1, 16, 16);
  const auto a = model(in.vi, in.ir, in.mask, in.ft);
  const auto b = model(in.vi, in.ir, in.mask, torch::randn_like(in.ft));
  EXPECT_GT((a - b).abs().max().item<float>(), 1e-6);
}

TEST(TeSGTest, GafSwitchReplacesGatesWithReduction) {
  TeSG with(small_model()), without(small_model().gaf(false));
  EXPECT_FALSE(without->tdaf->gaf);
  EXPECT_TRUE(without->tdaf->reduce);
  EXPECT_TRUE(with->tdaf->gaf);
  EXPECT_FALSE(with->tdaf->reduce);
  const auto gaf_params = test::parameter_count(*with->tdaf->gaf);
  const auto reduce_params = test::parameter_count(*without->tdaf->reduce);
  EXPECT_EQ(test::parameter_count(*with) - gaf_params,
            test::parameter_count(*without) - reduce_params);
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(1, 12, 12);
  EXPECT_EQ(without(in.vi, in.ir, in.mask, in.ft).sizes(), in.vi.sizes());
}

TEST(TeSGTest, MgcaSwitchMakesOutputIgnoreMask) {
  TeSG model(small_model().mgca(false));
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(1, 16, 16);
  const auto a = model(in.vi, in.ir, torch::ones_like(in.mask), in.ft);
  const auto b = model(in.vi, in.ir, torch::zeros_like(in.mask), in.ft);
  EXPECT_TRUE(torch::equal(a, b));
  // Two whole-image cross-attentions replace MGCA's four region-wise ones.
  EXPECT_FALSE(model->mgca);
  const TeSG with(small_model());
  EXPECT_EQ(test::parameter_count(*with) - test::parameter_count(*model),
            test::parameter_count(*with->mgca) / 2);
}

TEST(TeSGTest, RejectsMismatchedInputs) {
  TeSG model(small_model());
  const auto in = random_inputs(1, 8, 8);
  EXPECT_THROW(model(in.vi, torch::rand({1, 1, 8, 9}), in.mask, in.ft), c10::Error);
  EXPECT_THROW(model(in.vi, in.ir, in.mask, torch::randn({1, 5, 7})), c10::Error);
  EXPECT_THROW(model(torch::rand({1, 1, 8, 8}), in.ir, in.mask, in.ft), c10::Error);
}

TEST(TeSGTest, RejectsChannelsNotDivisibleByHeads) {
  EXPECT_THROW(TeSG(small_model().channels(9)), c10::Error);
}

}  // namespace
}  // namespace tesg::nn

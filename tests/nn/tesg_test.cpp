#include "tesg/nn/tesg.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "model_fixtures.h"
#include "support.h"
#include "tesg/nn/color.h"
#include "tesg/nn/edge_guided_fusion.h"
#include "tesg/nn/fusion_loss.h"
#include "tesg/nn/transformer_block.h"
#include "tesg/train/mixed_precision.h"

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

TEST(TeSGTest, ActivationCheckpointingGivesTheSameOutputAndGradients) {
  torch::manual_seed(4);
  TeSG plain(small_model().blocks(2)), checkpointed(small_model().blocks(2));
  torch::NoGradGuard copy_weights;
  for (auto& p : checkpointed->named_parameters()) p.value().copy_(plain->named_parameters()[p.key()]);
  set_activation_checkpointing(*checkpointed, true);
  const auto in = random_inputs(2, 16, 18);
  auto vi = in.vi.clone().requires_grad_(true), vi_c = in.vi.clone().requires_grad_(true);
  auto run = [&](TeSG& model, const torch::Tensor& v) {
    torch::AutoGradMode grad_on(true);
    const auto out = model(v, in.ir, in.mask, in.ft);
    (out * torch::linspace(0, 1, out.numel()).view_as(out)).sum().backward();
    return out.detach();
  };
  EXPECT_TRUE(torch::allclose(run(plain, vi), run(checkpointed, vi_c), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(vi.grad(), vi_c.grad(), 1e-5, 1e-6));
  for (const auto& p : plain->named_parameters()) {
    const auto& q = checkpointed->named_parameters()[p.key()];
    ASSERT_EQ(q.grad().defined(), p.value().grad().defined()) << p.key();
    if (p.key() == "null_text") continue;  // unused: the text is given
    EXPECT_TRUE(torch::allclose(p.value().grad(), q.grad(), 1e-5, 1e-6)) << p.key();
  }
}

TEST(TeSGTest, CheckpointedBlocksRecordOneNodeOnlyWhenTrainingWithGradients) {
  TransformerBlock block(TransformerBlockOptions(8).heads(2).checkpoint(true));
  const auto x = torch::rand({1, 8, 6, 6}, torch::requires_grad());
  EXPECT_NE(block(x).grad_fn()->name().find("CheckpointedBlock"), std::string::npos);
  block->eval();  // inference runs the block itself
  EXPECT_EQ(block(x).grad_fn()->name().find("CheckpointedBlock"), std::string::npos);
  block->train();  // an input that needs no gradient: the parameters still get theirs
  block(torch::rand({1, 8, 6, 6})).sum().backward();
  for (const auto& p : block->parameters()) EXPECT_TRUE(p.grad().defined());
}

// A residual TeSG starts exactly at its base image (zero-initialised output conv): the max-luma
// fusion of the sources, the edge-guided fusion or the visible image.
TEST(TeSGTest, ResidualOutputStartsAtItsBaseImage) {
  torch::NoGradGuard no_grad;
  const auto in = random_inputs(2, 17, 23);
  const auto max_luma = with_luma(in.vi, torch::max(rgb_to_gray(in.vi), in.ir));
  EXPECT_LT((TeSG(small_model().base("max"))(in.vi, in.ir, in.mask, in.ft) - max_luma).abs().max().item<float>(), 1e-6);
  EXPECT_LT((TeSG(small_model().base("visible"))(in.vi, in.ir, in.mask, in.ft) - in.vi).abs().max().item<float>(), 1e-6);
  const auto edge_guided = with_luma(in.vi, edge_guided_fusion(in.ir, rgb_to_gray(in.vi)));
  EXPECT_LT((TeSG(small_model().base("edge_guided"))(in.vi, in.ir, in.mask, in.ft) - edge_guided).abs().max().item<float>(), 1e-6);
  EXPECT_LT((rgb_to_gray(max_luma) - torch::max(rgb_to_gray(in.vi), in.ir)).abs().max().item<float>(), 1e-5);
  EXPECT_THROW(TeSG(small_model().base("median")), c10::Error);
}

// Only the zero-initialised output conv gets a gradient at first; after one step every
// parameter does, and the output moves away from the base.
TEST(TeSGTest, ResidualModelTrainsEveryParameterAfterTheFirstStep) {
  torch::manual_seed(1);
  TeSG model(small_model().base("max"));
  const auto in = random_inputs(2, 16, 16);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-2));
  const auto start = model(in.vi, in.ir, in.mask, in.ft).detach();
  for (int step = 0; step < 2; ++step) {
    optimizer.zero_grad();
    fusion_loss(model(in.vi, in.ir, in.mask, in.ft), in.vi, in.ir).total.backward();
    optimizer.step();
  }
  for (const auto& p : model->named_parameters()) {
    if (p.key() == "null_text") continue;  // replaced by the given Ft
    EXPECT_GT(p.value().grad().abs().sum().item<float>(), 0) << p.key();
  }
  EXPECT_GT((model(in.vi, in.ir, in.mask, in.ft) - start).abs().max().item<float>(), 1e-3);
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

// The loss of a training step and the gradients it leaves, in the order of model->parameters().
struct Step {
  double loss;
  std::vector<torch::Tensor> grads;
};

Step training_step(TeSG& model, const test::Inputs& in, const torch::Device& device, const std::string& amp) {
  model->zero_grad();
  const auto vi = in.vi.to(device), ir = in.ir.to(device);
  torch::Tensor fused;
  {
    train::AutocastScope autocast(amp);
    fused = model(vi, ir, in.mask.to(device), in.ft.to(device));
  }
  const auto loss = fusion_loss(fused.to(torch::kFloat32), vi, ir, FusionLossOptions()).total;
  loss.backward();
  Step step{loss.item<double>(), {}};
  for (const auto& p : model->parameters()) step.grads.push_back(p.grad().cpu());
  return step;
}

// On a GPU the network computes what it computes on the CPU. fp32: outputs, loss and
// every gradient within float rounding. bf16: weights in bf16 for fusion, autocast for training,
// within bf16's 8-bit mantissa.
TEST(TeSGCudaTest, ForwardAndTrainingStepOnCudaAgreeWithCpu) {
  TESG_REQUIRE_CUDA_DEVICE(1);
  torch::manual_seed(0);  // TF32 is off for every test (main.cpp)
  TeSG model(small_model());
  const auto in = random_inputs(2, 24, 31);
  const torch::Device cuda(torch::kCUDA);
  const auto cpu_step = training_step(model, in, torch::kCPU, "none");
  model->to(cuda);
  const auto gpu_step = training_step(model, in, cuda, "none");
  EXPECT_NEAR(gpu_step.loss, cpu_step.loss, 1e-5 * cpu_step.loss);
  for (size_t k = 0; k < cpu_step.grads.size(); ++k) {
    const double scale = cpu_step.grads[k].abs().max().item<double>();
    EXPECT_LE((gpu_step.grads[k] - cpu_step.grads[k]).abs().max().item<double>(), 1e-3 * scale + 1e-7)
        << "gradient of parameter " << k;
  }
  const auto bf16_step = training_step(model, in, cuda, "bf16");
  EXPECT_NEAR(bf16_step.loss, cpu_step.loss, 5e-2 * cpu_step.loss);
  for (const auto& g : bf16_step.grads) EXPECT_TRUE(torch::isfinite(g).all().item<bool>());

  torch::NoGradGuard no_grad;
  model->eval();
  model->to(torch::kCPU);
  const auto cpu_out = model(in.vi, in.ir, in.mask, in.ft);
  model->to(cuda);
  const auto gpu_out = model(in.vi.to(cuda), in.ir.to(cuda), in.mask.to(cuda), in.ft.to(cuda)).cpu();
  EXPECT_LT((gpu_out - cpu_out).abs().max().item<float>(), 1e-4);
  model->to(cuda, torch::kBFloat16);
  auto bf16 = [&](const torch::Tensor& t) { return t.to(cuda, torch::kBFloat16); };
  const auto bf16_out = model(bf16(in.vi), bf16(in.ir), bf16(in.mask), bf16(in.ft)).cpu().to(torch::kFloat32);
  EXPECT_LT((bf16_out - cpu_out).abs().mean().item<float>(), 1e-2);
  EXPECT_LT((bf16_out - cpu_out).abs().max().item<float>(), 1e-1);
}

}  // namespace
}  // namespace tesg::nn

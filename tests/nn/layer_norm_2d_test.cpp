#include "tesg/nn/layer_norm_2d.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/nn/transformer_block.h"

namespace tesg::nn {
namespace {

TEST(LayerNorm2dTest, NormalisesEachPixelOverChannels) {
  LayerNorm2d norm(LayerNorm2dOptions(6));
  torch::NoGradGuard no_grad;
  norm->weight.uniform_(0.5, 2);
  norm->bias.uniform_(-1, 1);
  const auto x = torch::randn({2, 6, 4, 5}) * 3 + 1;
  const auto mean = x.mean(1, true);
  const auto var = x.var(1, /*unbiased=*/false, true);
  const auto expected = (x - mean) / torch::sqrt(var + 1e-5) * norm->weight.view({1, 6, 1, 1}) +
                        norm->bias.view({1, 6, 1, 1});
  EXPECT_TRUE(torch::allclose(norm(x), expected, 1e-5, 1e-5));
  const auto cl = x.contiguous(at::MemoryFormat::ChannelsLast);
  EXPECT_TRUE(torch::allclose(norm(cl), expected, 1e-5, 1e-5));
  EXPECT_TRUE(norm(cl).is_contiguous(at::MemoryFormat::ChannelsLast));  // no layout copy
}

TEST(TransformerBlockTest, KeepsShapeAndIsResidual) {
  TransformerBlock block(TransformerBlockOptions(8).heads(2).ffn_factor(2.0));
  const auto x = torch::randn({2, 8, 6, 5});
  EXPECT_EQ(block(x).sizes(), x.sizes());
  // With the output projections zeroed both residual branches vanish: identity.
  torch::NoGradGuard no_grad;
  block->attn->project_out->weight.zero_();
  block->ffn->project_out->weight.zero_();
  EXPECT_TRUE(torch::allclose(block(x), x));
}

}  // namespace
}  // namespace tesg::nn

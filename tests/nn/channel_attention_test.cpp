#include "tesg/nn/channel_attention.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/nn/mdta.h"

namespace tesg::nn {
namespace {

// Restormer's formulation, written literally on NCHW tensors:
// 'b (head c) h w -> b head c (h w)', normalize(dim=-1), (q @ k^T) * t, softmax, @ v.
torch::Tensor reference(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& t, int64_t heads) {
  const auto b = q.size(0), c = q.size(1), h = q.size(2), w = q.size(3);
  auto split = [&](const torch::Tensor& x) {
    return x.contiguous().view({b, heads, c / heads, h * w}).to(torch::kFloat64);
  };
  auto qh = split(q), kh = split(k), vh = split(v);
  qh = qh / qh.norm(2, {-1}, true).clamp_min(1e-12);
  kh = kh / kh.norm(2, {-1}, true).clamp_min(1e-12);
  const auto attn = torch::softmax(torch::matmul(qh, kh.transpose(-2, -1)) * t.to(torch::kFloat64), -1);
  return torch::matmul(attn, vh).view({b, c, h, w}).to(torch::kFloat32);
}

TEST(ChannelAttentionTest, MatchesRestormerFormulation) {
  const auto q = torch::randn({2, 8, 5, 6}), k = torch::randn({2, 8, 5, 6});
  const auto v = torch::randn({2, 8, 5, 6});
  const auto t = torch::rand({2, 1, 1}) + 0.5;
  const auto expected = reference(q, k, v, t, 2);
  EXPECT_TRUE(torch::allclose(channel_attention(q, k, v, t, 2), expected, 1e-5, 1e-5));
  // Same result from channels-last inputs (the layout the network uses).
  const auto cl = [](const torch::Tensor& x) { return x.contiguous(at::MemoryFormat::ChannelsLast); };
  EXPECT_TRUE(torch::allclose(channel_attention(cl(q), cl(k), cl(v), t, 2), expected, 1e-5, 1e-5));
}

TEST(ChannelAttentionTest, ConstantValuesPassThrough) {
  // Each output channel is a convex combination of value channels of its head.
  const auto q = torch::randn({1, 4, 3, 3}), k = torch::randn({1, 4, 3, 3});
  const auto v = torch::full({1, 4, 3, 3}, 2.5);
  EXPECT_TRUE(torch::allclose(channel_attention(q, k, v, torch::ones({2, 1, 1}), 2), v));
}

TEST(MDTATest, KeepsShapeAndRejectsBadHeads) {
  MDTA mdta(MDTAOptions(8).heads(4));
  EXPECT_EQ(mdta(torch::randn({2, 8, 7, 9})).sizes(), (std::vector<int64_t>{2, 8, 7, 9}));
  EXPECT_THROW(MDTA(MDTAOptions(6).heads(4)), c10::Error);
}

}  // namespace
}  // namespace tesg::nn

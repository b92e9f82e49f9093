// The shared attention core of the SIG models: chunked queries give the unchunked result.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../../../src/sig/models/building_blocks.h"

namespace tesg::sig::models {
namespace {

TEST(MultiHeadAttentionTest, QueryChunksMatchOnePass) {
  torch::manual_seed(4);
  const auto q = torch::randn({2, 37, 16}), k = torch::randn({2, 37, 16}), v = torch::randn({2, 37, 16});
  const auto mask = causal_mask(37, q.options());
  for (const auto& m : {torch::Tensor(), mask}) {
    const auto whole = multi_head_attention(q, k, v, 4, m);
    const int64_t two_rows = 2 * 4 * 37 * static_cast<int64_t>(sizeof(float)) * 2;  // 2 query rows
    const auto chunked = multi_head_attention(q, k, v, 4, m, two_rows);
    EXPECT_LT((whole - chunked).abs().max().item<float>(), 1e-6);
  }
  // Against the textbook formula for one head.
  const auto one = multi_head_attention(q, k, v, 1);
  const auto reference = torch::softmax(torch::matmul(q, k.transpose(1, 2)) / 4.0, -1).matmul(v);
  EXPECT_LT((one - reference).abs().max().item<float>(), 1e-5);
}

}  // namespace
}  // namespace tesg::sig::models

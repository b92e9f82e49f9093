#include "building_blocks.h"

#include <cmath>
#include <limits>

namespace tesg::sig::models {

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& additive_mask) {
  const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), c = q.size(2), d = c / heads;
  auto split = [&](const torch::Tensor& x, int64_t l) { return x.reshape({b, l, heads, d}).transpose(1, 2); };
  auto scores = torch::matmul(split(q, lq), split(k, lk).transpose(-1, -2)) * (1.0 / std::sqrt(double(d)));
  if (additive_mask.defined()) scores = scores + additive_mask;
  const auto weights = torch::softmax(scores.to(torch::kFloat32), -1).to(q.scalar_type());
  return torch::matmul(weights, split(v, lk)).transpose(1, 2).reshape({b, lq, c});
}

torch::Tensor causal_mask(int64_t length, const torch::TensorOptions& options) {
  return torch::full({length, length}, -std::numeric_limits<float>::infinity(), options).triu(1);
}

}  // namespace tesg::sig::models

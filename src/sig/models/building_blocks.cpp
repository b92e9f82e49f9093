#include "building_blocks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tesg::sig::models {

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k,
                                   const torch::Tensor& v, int64_t heads,
                                   const torch::Tensor& additive_mask, int64_t chunk_bytes) {
  const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), c = q.size(2), d = c / heads;
  auto split = [&](const torch::Tensor& x) { return x.reshape({b, x.size(1), heads, d}).transpose(1, 2); };
  const auto keys = split(k).transpose(-1, -2), values = split(v), queries = split(q);
  const int64_t row_bytes = b * heads * lk * static_cast<int64_t>(sizeof(float));
  const int64_t chunk = std::max<int64_t>(1, chunk_bytes / std::max<int64_t>(row_bytes, 1));
  std::vector<torch::Tensor> outputs;
  for (int64_t start = 0; start < lq; start += chunk) {
    const int64_t n = std::min(chunk, lq - start);
    auto scores = torch::matmul(queries.narrow(2, start, n), keys) * (1.0 / std::sqrt(double(d)));
    if (additive_mask.defined()) {
      const auto& m = additive_mask;
      scores = scores + (m.size(-2) == 1 ? m : m.narrow(-2, start, n));
    }
    const auto weights = torch::softmax(scores.to(torch::kFloat32), -1).to(q.scalar_type());
    outputs.push_back(torch::matmul(weights, values));
  }
  const auto out = outputs.size() == 1 ? outputs[0] : torch::cat(outputs, 2);
  return out.transpose(1, 2).reshape({b, lq, c});
}

torch::Tensor causal_mask(int64_t length, const torch::TensorOptions& options) {
  return torch::full({length, length}, -std::numeric_limits<float>::infinity(), options).triu(1);
}

}  // namespace tesg::sig::models

#include "tesg/nn/channel_attention.h"

#include <torch/torch.h>

namespace tesg::nn {
namespace {

constexpr double kNormEps = 1e-12;  // as torch.nn.functional.normalize

// [B,C,H,W] -> [B,heads,HW,C/heads]; a view when the input is channels-last.
torch::Tensor split_heads(const torch::Tensor& t, int64_t heads) {
  const auto b = t.size(0), c = t.size(1), hw = t.size(2) * t.size(3);
  return t.permute({0, 2, 3, 1}).reshape({b, hw, heads, c / heads}).transpose(1, 2);
}

torch::Tensor l2_normalize_pixels(const torch::Tensor& t) {  // t [B,heads,HW,ch]
  return t / t.norm(2, {2}, /*keepdim=*/true).clamp_min(kNormEps);
}

}  // namespace

torch::Tensor channel_attention(const torch::Tensor& q, const torch::Tensor& k,
                                const torch::Tensor& v, const torch::Tensor& temperature,
                                int64_t heads) {
  const auto b = q.size(0), c = q.size(1), h = q.size(2), w = q.size(3);
  const auto qh = l2_normalize_pixels(split_heads(q, heads));
  const auto kh = l2_normalize_pixels(split_heads(k, heads));
  const auto attn = torch::softmax(torch::matmul(qh.transpose(-2, -1), kh) * temperature, -1);
  // out[p, i] = sum_j attn[i, j] v[p, j]: [B,heads,HW,ch]
  const auto out = torch::matmul(split_heads(v, heads), attn.transpose(-2, -1));
  return out.transpose(1, 2).reshape({b, h, w, c}).permute({0, 3, 1, 2});
}

}  // namespace tesg::nn

#include "tesg/nn/color.h"

#include <torch/torch.h>

namespace tesg::nn {
namespace {

// Each row of `weights` [K,3] mixes R, G, B into one output channel: [B,3,H,W] -> [B,K,H,W].
torch::Tensor mix_channels(const torch::Tensor& rgb, const std::vector<float>& weights) {
  const auto k = static_cast<int64_t>(weights.size() / 3);
  const auto kernel = torch::tensor(weights, rgb.options()).view({k, 3, 1, 1});
  return torch::conv2d(rgb, kernel);
}

}  // namespace

torch::Tensor rgb_to_gray(const torch::Tensor& rgb) {
  return mix_channels(rgb, {0.299f, 0.587f, 0.114f});
}

torch::Tensor rgb_to_cbcr(const torch::Tensor& rgb) {
  return mix_channels(rgb, {-0.168736f, -0.331264f, 0.5f, 0.5f, -0.418688f, -0.081312f});
}

torch::Tensor gray_cbcr_to_rgb(const torch::Tensor& gray, const torch::Tensor& cbcr) {
  const auto ycbcr = torch::cat({gray, cbcr}, 1);
  return mix_channels(ycbcr, {1.0f, 0.0f, 1.402f, 1.0f, -0.344136f, -0.714136f, 1.0f, 1.772f, 0.0f});
}

torch::Tensor with_luma(const torch::Tensor& rgb, const torch::Tensor& gray) {
  const auto chroma = gray_cbcr_to_rgb(gray, rgb_to_cbcr(rgb)) - gray;
  const auto room = torch::where(chroma > 0, (1 - gray) / chroma,
                                 torch::where(chroma < 0, -gray / chroma, torch::ones_like(chroma)));
  const auto scale = std::get<0>(room.min(1, /*keepdim=*/true)).clamp(0, 1);
  return (gray + scale * chroma).clamp(0, 1);
}

}  // namespace tesg::nn

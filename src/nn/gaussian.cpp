#include "tesg/nn/gaussian.h"

#include <cmath>

#include <torch/torch.h>

namespace tesg::nn {
namespace {

constexpr double kBlurTruncate = 4.0;  // blur radius in sigmas (scipy.ndimage's default)

}  // namespace

torch::Tensor gaussian_kernel(int64_t size, double sigma, const torch::TensorOptions& options) {
  const auto x = torch::arange(size, options.dtype(torch::kFloat64)) - (size - 1) / 2.0;
  const auto g = torch::exp(-(x * x) / (2 * sigma * sigma));
  return (g / g.sum()).to(options);
}

torch::Tensor gaussian_blur(const torch::Tensor& image, double sigma) {
  const auto r = static_cast<int64_t>(std::lround(kBlurTruncate * sigma));
  const auto k = gaussian_kernel(2 * r + 1, sigma, image.options());
  auto x = torch::replication_pad2d(image, {r, r, 0, 0});
  x = torch::conv2d(x, k.view({1, 1, 1, -1}));
  x = torch::replication_pad2d(x, {0, 0, r, r});
  return torch::conv2d(x, k.view({1, 1, -1, 1}));
}

}  // namespace tesg::nn

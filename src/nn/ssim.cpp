#include "tesg/nn/ssim.h"

#include <torch/torch.h>

#include <algorithm>

#include "tesg/nn/gaussian.h"

namespace tesg::nn {
torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y, const SSIMOptions& options) {
  TORCH_CHECK(x.sizes() == y.sizes() && x.dim() == 4, "ssim: x ", x.sizes(), " and y ", y.sizes(),
              " must be equal [B,C,H,W]");
  const auto c = x.size(1);
  const auto size = std::min({options.window(), x.size(2), x.size(3)});
  // The window outer(g, g) is separable: a row pass and a column pass, 2k instead of k² MACs.
  const auto g = gaussian_kernel(size, options.sigma(), x.options());
  const auto row = g.view({1, 1, 1, size}).expand({c, 1, 1, size}).contiguous();
  const auto column = g.view({1, 1, size, 1}).expand({c, 1, size, 1}).contiguous();
  const auto depthwise = torch::nn::functional::Conv2dFuncOptions().groups(c);
  auto filter = [&](const torch::Tensor& t) {  // depthwise, "valid"
    return torch::nn::functional::conv2d(torch::nn::functional::conv2d(t, row, depthwise), column, depthwise);
  };
  const auto mu_x = filter(x), mu_y = filter(y);
  const auto mu_xx = mu_x * mu_x, mu_yy = mu_y * mu_y, mu_xy = mu_x * mu_y;
  const auto var_x = filter(x * x) - mu_xx, var_y = filter(y * y) - mu_yy;
  const auto cov = filter(x * y) - mu_xy;
  const double c1 = options.c1(), c2 = options.c2();
  const auto map =
      ((2 * mu_xy + c1) * (2 * cov + c2)) / ((mu_xx + mu_yy + c1) * (var_x + var_y + c2));
  return map.mean();
}

}  // namespace tesg::nn

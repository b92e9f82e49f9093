#pragma once
#include <ATen/core/Tensor.h>
#include <torch/arg.h>

namespace tesg::nn {

/// Options for ssim().
struct SSIMOptions {
  TORCH_ARG(int64_t, window) = 11;    ///< Gaussian window size, clipped to min(H, W)
  TORCH_ARG(double, sigma) = 1.5;     ///< Gaussian window sigma
  TORCH_ARG(double, c1) = 0.01 * 0.01;  ///< (K1 L)^2 for data range L = 1
  TORCH_ARG(double, c2) = 0.03 * 0.03;  ///< (K2 L)^2
};

/// Mean SSIM (Wang et al. 2004) of x and y [B,C,H,W] in [0,1]: Gaussian-weighted local moments
/// per channel over "valid" windows (no padding), averaged over batch, channels and positions.
torch::Tensor ssim(const torch::Tensor& x, const torch::Tensor& y, const SSIMOptions& options = {});

}  // namespace tesg::nn

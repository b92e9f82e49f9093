#pragma once
// Gaussian kernels and blur shared by SSIM and the edge-guided fusion.
#include <ATen/core/Tensor.h>
#include <c10/core/TensorOptions.h>

#include <cstdint>

namespace tesg::nn {

/// Normalised 1-D Gaussian of `size` taps centred on the middle one (computed in float64,
/// returned with `options`).
torch::Tensor gaussian_kernel(int64_t size, double sigma, const torch::TensorOptions& options);

/// Separable Gaussian blur of [B,1,H,W] (radius round(4 sigma), edge pixels repeated).
torch::Tensor gaussian_blur(const torch::Tensor& image, double sigma);

}  // namespace tesg::nn

#pragma once
#include <ATen/core/Tensor.h>

namespace tesg::nn {

/// Pads [B,C,H,W] at the bottom and right so H and W become multiples of `multiple`: reflect
/// padding, or replicate where the image is too small to reflect. Crop back with
/// `x.narrow(2, 0, H).narrow(3, 0, W)`.
torch::Tensor pad_to_multiple(const torch::Tensor& x, int64_t multiple);

}  // namespace tesg::nn

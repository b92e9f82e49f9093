#pragma once
#include <ATen/core/Tensor.h>

namespace tesg::nn {

/// BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B. [B,3,H,W] -> [B,1,H,W].
torch::Tensor rgb_to_gray(const torch::Tensor& rgb);

/// BT.601 chroma without offset: Cb = -0.168736 R - 0.331264 G + 0.5 B,
/// Cr = 0.5 R - 0.418688 G - 0.081312 B. [B,3,H,W] -> [B,2,H,W].
torch::Tensor rgb_to_cbcr(const torch::Tensor& rgb);

/// Inverse of the two above: luma [B,1,H,W] and chroma [B,2,H,W] -> RGB [B,3,H,W].
torch::Tensor gray_cbcr_to_rgb(const torch::Tensor& gray, const torch::Tensor& cbcr);

/// `rgb`'s chroma on the luma `gray` [B,1,H,W], pulled toward gray just enough to fit [0,1]:
/// the luma stays exact, only the saturation of out-of-gamut pixels drops (clamping would change
/// the luma). [B,3,H,W] in [0,1].
torch::Tensor with_luma(const torch::Tensor& rgb, const torch::Tensor& gray);
}  // namespace tesg::nn

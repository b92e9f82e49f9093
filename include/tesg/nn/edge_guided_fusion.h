#pragma once
// Edge-guided two-scale fusion: the image TeSG's residual output corrects with base
// "edge_guided" (and a baseline of tesg-fuse). Max-luma fusion keeps every pixel of the brighter
// source, which is what the field's Qabf rewards almost everywhere, but it drops the darker
// source's edges. Here the brighter source's detail layer is replaced by the darker one's where
// the darker source's edges are preserved better by the evaluator's own measure (Qabf's per-pixel
// Q_AF gA + Q_BF gB, METRICS.md 2.11), smoothed over regions; a low-pass of the darker source and
// a gain on the dark tones are added for the correlation (SCD) and contrast (SD, VIF) max lacks.
#include <ATen/core/Tensor.h>
#include <torch/arg.h>

namespace tesg::nn {

struct EdgeGuidedFusionOptions {
  TORCH_ARG(double, selection_sigma) = 8.0;  ///< Gaussian sigma (pixels) smoothing the edge scores
  TORCH_ARG(double, threshold) = 0.4;   ///< normalised score lead before a source's detail is taken
  TORCH_ARG(double, detail_sigma) = 8.0;     ///< detail = image - Gaussian(image, detail_sigma)
  TORCH_ARG(double, darker_sigma) = 16.0;    ///< low-pass sigma of the darker source added back
  TORCH_ARG(double, darker_weight) = 0.1;    ///< weight of that zero-mean low-pass
  TORCH_ARG(double, dark_gain) = 1.05;       ///< contrast gain of the tones below the image mean
};

/// ir, vi_luma [B,1,H,W] in [0,1] -> fused luma [B,1,H,W] in [0,1] on the 8-bit grid (k / 255),
/// so that a written image keeps it exactly. Works on the sources rounded to 8-bit levels. Per
/// image: F = max + detail swaps (A: where the infrared's edges score better, B: the visible's),
/// + darker_weight (G(min) - mean(min)), then the tones below mean(F) stretched by dark_gain.
/// No gradient flows through it.
torch::Tensor edge_guided_fusion(const torch::Tensor& ir, const torch::Tensor& vi_luma,
                                 const EdgeGuidedFusionOptions& options = {});

}  // namespace tesg::nn

#pragma once
// Differentiable forms of two of the field's fusion metrics (METRICS.md 2.9 VIF, 2.11 Qabf),
// with the evaluator's conventions (zero-padded Sobel, the four-scale Gaussian pyramid,
// sigma_n^2 = 2), so that training can optimise what the evaluator scores. Computed in float64:
// VIF's E[x^2] - E[x]^2 moments cancel badly in float32 on the 0..255 scale.
#include <ATen/core/Tensor.h>

namespace tesg::nn {

/// Qabf of fused F against sources A = ir, B = vi: all gray [B,1,H,W] on the 0..255 scale.
/// Returns [B] (float64), equal to metrics::qabf on the same images. `with_frame` false leaves
/// out the 1-pixel frame, whose zero-padding edges dominate the score of a small crop (training)
/// but are a small part of a whole image's. Sources without any edge (a flat crop), where the
/// metric is 0/0, give 1 with a finite (zero) gradient.
torch::Tensor qabf_score(const torch::Tensor& fused, const torch::Tensor& ir,
                         const torch::Tensor& vi, bool with_frame = true);

/// Qabf before its sums, per pixel [B,1,H,W] (float64): `preserved` = Q_AF gA + Q_BF gB and
/// `weight` = gA + gB, so Qabf = sum(preserved) / sum(weight). Inputs as for qabf_score.
struct QabfMaps {
  torch::Tensor preserved, weight;
};
QabfMaps qabf_maps(const torch::Tensor& fused, const torch::Tensor& ir, const torch::Tensor& vi,
                   bool with_frame = true);

/// VIF(A->F) + VIF(B->F) (vifp_mscale), inputs as for qabf_score. Returns [B] (float64), equal
/// to metrics::visual_information_fidelity. Needs H, W >= 17 (the first scale's window); smaller
/// scales are left out as the metric does. A flat source gives 1 for its term, as the metric's
/// NaN does, with a finite gradient.
torch::Tensor vif_score(const torch::Tensor& fused, const torch::Tensor& ir,
                        const torch::Tensor& vi);

}  // namespace tesg::nn

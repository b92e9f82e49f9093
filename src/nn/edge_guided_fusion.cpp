#include "tesg/nn/edge_guided_fusion.h"

#include <torch/torch.h>

#include "tesg/metrics/metric_constants.h"
#include "tesg/nn/gaussian.h"
#include "tesg/nn/metric_losses.h"

namespace tesg::nn {
namespace {

constexpr double kScoreEps = 1e-6;  // keeps the normalised score finite on flat regions

torch::Tensor detail(const torch::Tensor& image, double sigma) {
  return image - gaussian_blur(image, sigma);
}

torch::Tensor image_mean(const torch::Tensor& image) { return image.mean({1, 2, 3}, true); }

}  // namespace

torch::Tensor edge_guided_fusion(const torch::Tensor& ir, const torch::Tensor& vi_luma,
                                 const EdgeGuidedFusionOptions& o) {
  torch::NoGradGuard no_grad;
  const auto dtype = ir.scalar_type();
  // The evaluator's 8-bit gray levels (Qabf's strengths are in levels). Rounding the sources
  // first keeps F - source smooth where F follows a source; the fractional part of an unrounded
  // luma would come back as +-1 level noise, which scrambles the orientation of weak edges.
  const auto a = (ir.to(torch::kFloat64) * metrics::kMaxGray).round();
  const auto b = (vi_luma.to(torch::kFloat64) * metrics::kMaxGray).round();
  const auto brighter = torch::max(a, b);

  // Normalised lead of the infrared over the visible in preserved edge strength, in [-1, 1].
  const auto from_a = qabf_maps(a, a, b), from_b = qabf_maps(b, a, b);
  const auto lead = gaussian_blur(from_a.preserved - from_b.preserved, o.selection_sigma()) /
                    (gaussian_blur(from_a.weight, o.selection_sigma()) + kScoreEps);
  const auto take_a = (lead > o.threshold()).to(a.scalar_type());
  const auto take_b = (lead < -o.threshold()).to(a.scalar_type());

  const auto brighter_detail = detail(brighter, o.detail_sigma());
  auto fused = brighter + take_a * (detail(a, o.detail_sigma()) - brighter_detail) +
               take_b * (detail(b, o.detail_sigma()) - brighter_detail);
  const auto darker = torch::min(a, b);
  fused = fused + o.darker_weight() * (gaussian_blur(darker, o.darker_sigma()) - image_mean(darker));
  const auto pivot = image_mean(fused);
  fused = torch::where(fused < pivot, pivot + o.dark_gain() * (fused - pivot), fused);
  return (fused.clamp(0, metrics::kMaxGray).round() / metrics::kMaxGray).to(dtype);
}

}  // namespace tesg::nn

#include "tesg/infer/baseline.h"

#include <torch/torch.h>

#include "tesg/error.h"
#include "tesg/nn/color.h"

namespace tesg::infer {

namespace {

// Pulls `rgb` toward its luma `gray` just enough to fit [0,1]: the luma stays exact, only the
// saturation of out-of-gamut pixels drops (clamping would change the luma).
torch::Tensor within_gamut(const torch::Tensor& gray, const torch::Tensor& rgb) {
  const auto chroma = rgb - gray;
  const auto room = torch::where(chroma > 0, (1 - gray) / chroma,
                                 torch::where(chroma < 0, -gray / chroma, torch::ones_like(chroma)));
  const auto scale = std::get<0>(room.min(1, /*keepdim=*/true)).clamp(0, 1);
  return (gray + scale * chroma).clamp(0, 1);
}

}  // namespace

FuseFn baseline_fusion(const std::string& rule) {
  if (rule != "avg" && rule != "max") {
    throw ConfigError("--baseline: '" + rule + "': expected avg or max");
  }
  return [rule](const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor&,
                const torch::Tensor&) {
    const auto luma = nn::rgb_to_gray(vi);
    const auto fused = rule == "avg" ? (luma + ir) / 2 : torch::max(luma, ir);
    return within_gamut(fused, nn::gray_cbcr_to_rgb(fused, nn::rgb_to_cbcr(vi)));
  };
}

}  // namespace tesg::infer

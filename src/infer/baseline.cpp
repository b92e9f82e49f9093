#include "tesg/infer/baseline.h"

#include <torch/torch.h>

#include "tesg/error.h"
#include "tesg/nn/color.h"

namespace tesg::infer {

FuseFn baseline_fusion(const std::string& rule) {
  if (rule != "avg" && rule != "max") {
    throw ConfigError("--baseline: '" + rule + "': expected avg or max");
  }
  return [rule](const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor&,
                const torch::Tensor&) {
    const auto luma = nn::rgb_to_gray(vi);
    const auto fused = rule == "avg" ? (luma + ir) / 2 : torch::max(luma, ir);
    return nn::with_luma(vi, fused);
  };
}

}  // namespace tesg::infer

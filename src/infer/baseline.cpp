#include "tesg/infer/baseline.h"

#include <torch/torch.h>

#include "tesg/error.h"
#include "tesg/nn/color.h"
#include "tesg/nn/edge_guided_fusion.h"

namespace tesg::infer {

FuseFn baseline_fusion(const std::string& rule) {
  if (rule != "avg" && rule != "max" && rule != "edge_guided") {
    throw ConfigError("--baseline: '" + rule + "': expected avg, max or edge_guided");
  }
  return [rule](const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor&,
                const torch::Tensor&) {
    const auto luma = nn::rgb_to_gray(vi);
    if (rule == "avg") return nn::with_luma(vi, (luma + ir) / 2);
    if (rule == "max") return nn::with_luma(vi, torch::max(luma, ir));
    return nn::with_luma(vi, nn::edge_guided_fusion(ir, luma));
  };
}

}  // namespace tesg::infer

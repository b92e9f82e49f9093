#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for GDFN.
struct GDFNOptions {
  explicit GDFNOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);        ///< C
  TORCH_ARG(double, ffn_factor) = 2.66;  ///< hidden width = floor(C * ffn_factor)
  TORCH_ARG(bool, bias) = false;
};

/// Gated-Dconv Feed-forward Network (GDFN, Restormer): 1x1 conv C->2h, depthwise 3x3,
/// gelu(x1) * x2, 1x1 conv h->C. [B,C,H,W] -> [B,C,H,W].
class GDFNImpl : public torch::nn::Cloneable<GDFNImpl> {
 public:
  explicit GDFNImpl(GDFNOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  GDFNOptions options;
  torch::nn::Conv2d project_in{nullptr}, dwconv{nullptr}, project_out{nullptr};
};
TORCH_MODULE(GDFN);

}  // namespace tesg::nn

#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for MDTA.
struct MDTAOptions {
  explicit MDTAOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);  ///< C
  TORCH_ARG(int64_t, heads) = 4;  ///< must divide channels
  TORCH_ARG(bool, bias) = false;  ///< bias of the 1x1 and depthwise convolutions
};

/// Multi-Dconv head Transposed self-Attention (MDTA, Restormer): 1x1 conv C->3C, depthwise 3x3,
/// channel attention per head, 1x1 conv out. [B,C,H,W] -> [B,C,H,W].
class MDTAImpl : public torch::nn::Cloneable<MDTAImpl> {
 public:
  explicit MDTAImpl(MDTAOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  MDTAOptions options;
  torch::nn::Conv2d qkv{nullptr}, qkv_dw{nullptr}, project_out{nullptr};
  torch::Tensor temperature;  ///< [heads,1,1] learned softmax scale
};
TORCH_MODULE(MDTA);

}  // namespace tesg::nn

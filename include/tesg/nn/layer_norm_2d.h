#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for LayerNorm2d.
struct LayerNorm2dOptions {
  explicit LayerNorm2dOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);  ///< C, the normalised dimension
  TORCH_ARG(double, eps) = 1e-5;
};

/// Per-pixel LayerNorm over channels with weight and bias (Restormer's "WithBias" LayerNorm).
/// [B,C,H,W] -> [B,C,H,W]. A channels-last input is normalised in place of memory order: no copy.
class LayerNorm2dImpl : public torch::nn::Cloneable<LayerNorm2dImpl> {
 public:
  explicit LayerNorm2dImpl(int64_t channels) : LayerNorm2dImpl(LayerNorm2dOptions(channels)) {}
  explicit LayerNorm2dImpl(LayerNorm2dOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  LayerNorm2dOptions options;
  torch::Tensor weight, bias;
};
TORCH_MODULE(LayerNorm2d);

}  // namespace tesg::nn

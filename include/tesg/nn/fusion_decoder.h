#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for FusionDecoder.
struct FusionDecoderOptions {
  explicit FusionDecoderOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);          ///< feature width C
  TORCH_ARG(int64_t, out_channels) = 3;  ///< RGB
  TORCH_ARG(int64_t, heads) = 4;
  TORCH_ARG(int64_t, blocks) = 4;
  TORCH_ARG(double, ffn_factor) = 2.66;
  /// false: the paper's image in [0,1] (sigmoid); true: an unbounded correction to a base image,
  /// from a zero-initialised output conv (the network starts at the base).
  TORCH_ARG(bool, residual) = false;
};

/// The decoder: Restormer blocks and a 3x3 conv C->3, then a sigmoid (image) or nothing
/// (residual). [B,C,H,W] -> [B,3,H,W].
class FusionDecoderImpl : public torch::nn::Cloneable<FusionDecoderImpl> {
 public:
  explicit FusionDecoderImpl(FusionDecoderOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& features);

  FusionDecoderOptions options;
  torch::nn::Sequential blocks{nullptr};
  torch::nn::Conv2d output{nullptr};
};
TORCH_MODULE(FusionDecoder);

}  // namespace tesg::nn

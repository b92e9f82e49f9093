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
};

/// The decoder: Restormer blocks, a 3x3 conv C->3 and a sigmoid. [B,C,H,W] -> [B,3,H,W] in [0,1].
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

#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for ModalityEncoder.
struct ModalityEncoderOptions {
  ModalityEncoderOptions(int64_t in_channels, int64_t channels)
      : in_channels_(in_channels), channels_(channels) {}
  TORCH_ARG(int64_t, in_channels);       ///< 3 for visible, 1 for infrared
  TORCH_ARG(int64_t, channels);          ///< feature width C
  TORCH_ARG(int64_t, heads) = 4;         ///< MDTA heads
  TORCH_ARG(int64_t, blocks) = 4;        ///< transformer blocks
  TORCH_ARG(double, ffn_factor) = 2.66;  ///< GDFN expansion
};

/// The encoder of one modality (Sec. 4.1: four transformer blocks): 3x3 conv embedding then
/// Restormer blocks. [B,in,H,W] -> [B,C,H,W] in channels-last memory.
class ModalityEncoderImpl : public torch::nn::Cloneable<ModalityEncoderImpl> {
 public:
  explicit ModalityEncoderImpl(ModalityEncoderOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& image);

  ModalityEncoderOptions options;
  torch::nn::Conv2d embed{nullptr};
  torch::nn::Sequential blocks{nullptr};
};
TORCH_MODULE(ModalityEncoder);

}  // namespace tesg::nn

#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <tuple>

#include "tesg/nn/channel_cross_attention.h"

namespace tesg::nn {

/// Options for MaskGuidedCrossAttention (MGCA, Sec. 3.3).
struct MaskGuidedCrossAttentionOptions {
  explicit MaskGuidedCrossAttentionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);   ///< feature width C of both modalities
  TORCH_ARG(int64_t, heads) = 4;  ///< attention heads; must divide `channels`
};

/// Mask-Guided Cross-Attention (MGCA): each modality rebuilt from the other, foreground and
/// background apart, each region with its own cross-attention weights (shared weights would make
/// Eq. 6 symmetric in M and 1-M, so an all-ones and an all-zeros mask would fuse alike).
/// All inputs and outputs [B,C,H,W]. Returns {Fvi, Fiv}.
class MaskGuidedCrossAttentionImpl : public torch::nn::Cloneable<MaskGuidedCrossAttentionImpl> {
 public:
  explicit MaskGuidedCrossAttentionImpl(MaskGuidedCrossAttentionOptions options);
  void reset() override;
  std::tuple<torch::Tensor, torch::Tensor> forward(const torch::Tensor& fv_m,
                                                   const torch::Tensor& fv_mb,
                                                   const torch::Tensor& fi_m,
                                                   const torch::Tensor& fi_mb);
  MaskGuidedCrossAttentionOptions options;
  ChannelCrossAttention ca_vi_m{nullptr}, ca_vi_mb{nullptr};  ///< visible rebuilt from infrared
  ChannelCrossAttention ca_iv_m{nullptr}, ca_iv_mb{nullptr};  ///< infrared rebuilt from visible
};
TORCH_MODULE(MaskGuidedCrossAttention);

}  // namespace tesg::nn

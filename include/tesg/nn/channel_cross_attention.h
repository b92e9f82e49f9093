#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "tesg/nn/layer_norm_2d.h"

namespace tesg::nn {

/// Options for ChannelCrossAttention.
struct ChannelCrossAttentionOptions {
  explicit ChannelCrossAttentionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);   ///< C of both inputs
  TORCH_ARG(int64_t, heads) = 4;  ///< must divide channels
  TORCH_ARG(bool, bias) = false;
};

/// CA(x, y) of the paper (Eqs. 4-5, 7's visual form): transposed channel cross-attention with
/// queries from x and keys and values from y, LayerNorm on both inputs, residual to x.
/// x, y [B,C,H,W] -> [B,C,H,W].
class ChannelCrossAttentionImpl : public torch::nn::Cloneable<ChannelCrossAttentionImpl> {
 public:
  explicit ChannelCrossAttentionImpl(ChannelCrossAttentionOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& y);

  ChannelCrossAttentionOptions options;
  LayerNorm2d norm_x{nullptr}, norm_y{nullptr};
  torch::nn::Conv2d q{nullptr}, q_dw{nullptr}, kv{nullptr}, kv_dw{nullptr}, project_out{nullptr};
  torch::Tensor temperature;  ///< [heads,1,1]
};
TORCH_MODULE(ChannelCrossAttention);

}  // namespace tesg::nn

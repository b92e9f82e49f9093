#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include "tesg/nn/gdfn.h"
#include "tesg/nn/layer_norm_2d.h"
#include "tesg/nn/mdta.h"

namespace tesg::nn {

/// Options for TransformerBlock.
struct TransformerBlockOptions {
  explicit TransformerBlockOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);          ///< C
  TORCH_ARG(int64_t, heads) = 4;         ///< MDTA heads
  TORCH_ARG(double, ffn_factor) = 2.66;  ///< GDFN expansion
  /// Training: keep only the block's input and recompute its activations in the backward pass
  /// (activation checkpointing: far less memory, about one more forward pass of compute).
  TORCH_ARG(bool, checkpoint) = false;
};

/// Restormer transformer block: x += MDTA(LN(x)); x += GDFN(LN(x)). [B,C,H,W] -> [B,C,H,W].
class TransformerBlockImpl : public torch::nn::Cloneable<TransformerBlockImpl> {
 public:
  explicit TransformerBlockImpl(TransformerBlockOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);
  /// The block's function itself, without checkpointing.
  torch::Tensor block(const torch::Tensor& x);

  TransformerBlockOptions options;
  LayerNorm2d norm1{nullptr}, norm2{nullptr};
  MDTA attn{nullptr};
  GDFN ffn{nullptr};
};
TORCH_MODULE(TransformerBlock);

/// Turns activation checkpointing on or off in every TransformerBlock of `model`. Gradients are
/// the same either way; train.activation_checkpointing.
void set_activation_checkpointing(torch::nn::Module& model, bool on);

}  // namespace tesg::nn

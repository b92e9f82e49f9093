#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "tesg/nn/fusion_decoder.h"
#include "tesg/nn/mask_guided_cross_attention.h"
#include "tesg/nn/modality_encoder.h"
#include "tesg/nn/text_driven_attentional_fusion.h"

namespace tesg::nn {

/// Options for TeSG; `tesg::model_options(ModelConfig)` fills them from a config.
struct TeSGOptions {
  TORCH_ARG(int64_t, channels) = 48;       ///< feature width C
  TORCH_ARG(int64_t, heads) = 4;           ///< channel-attention heads
  TORCH_ARG(int64_t, blocks) = 4;          ///< blocks per encoder and in the decoder
  TORCH_ARG(double, ffn_factor) = 2.66;    ///< GDFN expansion
  TORCH_ARG(int64_t, text_dim) = 768;      ///< D of Ft
  TORCH_ARG(int64_t, text_attn_dim) = 96;  ///< TIVR attention width
  TORCH_ARG(int64_t, text_heads) = 4;      ///< TIVR heads
  TORCH_ARG(int64_t, null_text_tokens) = 77;  ///< length of the learned null text (no Ft)
  TORCH_ARG(bool, mgca) = true;            ///< ablation switch (paper Table 4)
  TORCH_ARG(bool, tivr) = true;            ///< ablation switch
  TORCH_ARG(bool, gaf) = true;             ///< ablation switch
  TORCH_ARG(int64_t, pad_multiple) = 1;    ///< reflect-pad H, W to a multiple, crop back
  /// Global residual output: "none" (the paper: the decoder's sigmoid image), "max" (the decoder
  /// corrects the max-luma fusion of the sources: visible chroma on max(Y_vi, ir)), "edge_guided"
  /// (it corrects edge_guided_fusion, tesg/nn/edge_guided_fusion.h) or "visible".
  TORCH_ARG(std::string, base) = "none";
};

/// TeSG: Textual Semantic Guidance for infrared and visible image fusion (Fig. 2).
/// vi [B,3,H,W], ir [B,1,H,W] in [0,1], mask [B,1,H,W] in {0,1}, ft [B,L,D] (undefined: the
/// learned null text embedding) -> fused RGB [B,3,H,W] in [0,1], any H and W. With a `base`,
/// F = clamp(base + decoder output, 0, 1).
class TeSGImpl : public torch::nn::Cloneable<TeSGImpl> {
 public:
  explicit TeSGImpl(TeSGOptions options = {});
  void reset() override;
  torch::Tensor forward(const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
                        const torch::Tensor& ft);

  TeSGOptions options;
  ModalityEncoder encoder_vi{nullptr}, encoder_ir{nullptr};
  MaskGuidedCrossAttention mgca{nullptr};        ///< null when options.mgca() is false
  ChannelCrossAttention ca_vi{nullptr}, ca_iv{nullptr};  ///< whole-image CA, only without MGCA
  TextDrivenAttentionalFusion tdaf{nullptr};
  FusionDecoder decoder{nullptr};
  torch::Tensor null_text;  ///< [1,null_text_tokens,D], used when no text semantics are given (tivr only)

 private:
  torch::Tensor fuse(const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
                     const torch::Tensor& ft);
};
TORCH_MODULE(TeSG);

}  // namespace tesg::nn

#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "tesg/nn/gated_attentional_fusion.h"
#include "tesg/nn/text_informed_visual_reconstruction.h"

namespace tesg::nn {

/// Options for TextDrivenAttentionalFusion.
struct TextDrivenAttentionalFusionOptions {
  explicit TextDrivenAttentionalFusionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);            ///< C of each modality
  TORCH_ARG(int64_t, text_dim) = 768;      ///< D of Ft
  TORCH_ARG(int64_t, text_attn_dim) = 96;  ///< TIVR attention width
  TORCH_ARG(int64_t, text_heads) = 4;      ///< TIVR heads
  TORCH_ARG(bool, tivr) = true;            ///< false: Fr = Cat(Fvi, Fiv), text unused
  TORCH_ARG(bool, gaf) = true;             ///< false: F = 1x1 conv (2C -> C) of Fr
};

/// Text-Driven Attentional Fusion (TDAF, Sec. 3.4) = TIVR then GAF, with the paper's ablation
/// switches. fv, fi, fvi, fiv [B,C,H,W], ft [B,L,D] -> F [B,C,H,W].
class TextDrivenAttentionalFusionImpl
    : public torch::nn::Cloneable<TextDrivenAttentionalFusionImpl> {
 public:
  explicit TextDrivenAttentionalFusionImpl(TextDrivenAttentionalFusionOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& fv, const torch::Tensor& fi, const torch::Tensor& fvi,
                        const torch::Tensor& fiv, const torch::Tensor& ft);

  TextDrivenAttentionalFusionOptions options;
  TextInformedVisualReconstruction tivr{nullptr};  ///< null when options.tivr() is false
  GatedAttentionalFusion gaf{nullptr};             ///< null when options.gaf() is false
  torch::nn::Conv2d reduce{nullptr};               ///< only when options.gaf() is false
};
TORCH_MODULE(TextDrivenAttentionalFusion);

}  // namespace tesg::nn

#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "tesg/nn/layer_norm_2d.h"

namespace tesg::nn {

/// Options for TextInformedVisualReconstruction.
struct TextInformedVisualReconstructionOptions {
  explicit TextInformedVisualReconstructionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);         ///< width of Cat(Fvi, Fiv), i.e. 2C
  TORCH_ARG(int64_t, text_dim) = 768;   ///< D of Ft [B,L,D]
  TORCH_ARG(int64_t, attn_dim) = 96;    ///< attention width d
  TORCH_ARG(int64_t, heads) = 4;        ///< must divide attn_dim
  /// Pixels attended per chunk: bounds the [B,heads,pixels,L] attention map of large frames.
  TORCH_ARG(int64_t, pixel_chunk) = 65536;
};

/// Text-Informed Visual Reconstruction (TIVR, Sec. 3.4): every pixel of Cat(Fvi, Fiv) attends to
/// the text tokens (softmax over L). cat [B,2C,H,W], ft [B,L,D] -> Fr [B,2C,H,W].
class TextInformedVisualReconstructionImpl
    : public torch::nn::Cloneable<TextInformedVisualReconstructionImpl> {
 public:
  explicit TextInformedVisualReconstructionImpl(TextInformedVisualReconstructionOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& cat, const torch::Tensor& ft);

  TextInformedVisualReconstructionOptions options;
  LayerNorm2d norm_visual{nullptr};
  torch::nn::LayerNorm norm_text{nullptr};
  torch::nn::Linear to_q{nullptr}, to_k{nullptr}, to_v{nullptr}, project_out{nullptr};
};
TORCH_MODULE(TextInformedVisualReconstruction);

}  // namespace tesg::nn

#pragma once
// The CLIP text transformer of Stable Diffusion (transformers' CLIPTextModel): token ids
// [B,77] -> last_hidden_state [B,77,D], the text semantics Ft of TeSG and the UNet's condition.
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "tesg/sig/hf_config.h"

namespace tesg::sig::models {

struct ClipTextOptions {
  int64_t vocab_size = 49408, hidden_size = 512, intermediate_size = 2048, layers = 12, heads = 8,
          max_positions = 77;
  double layer_norm_eps = 1e-5;
  bool quick_gelu = true;  ///< hidden_act quick_gelu (else exact gelu)
  /// From a CLIPTextConfig config.json (transformers' defaults for absent keys).
  static ClipTextOptions from_hf(const HfConfig& config);
};

/// Pre-LN transformer with a causal mask; module names follow the HF tensor names
/// (`text_model.embeddings...`, `text_model.encoder.layers.N...`, `text_model.final_layer_norm`).
class ClipTextModelImpl : public torch::nn::Cloneable<ClipTextModelImpl> {
 public:
  explicit ClipTextModelImpl(ClipTextOptions options = {});
  void reset() override;
  /// input_ids [B,L] (int64) -> last_hidden_state [B,L,D]; padding tokens are attended like
  /// Stable Diffusion does (no attention mask, only the causal one).
  torch::Tensor forward(const torch::Tensor& input_ids);
  ClipTextOptions options;

 private:
  torch::nn::Module* text_model_ = nullptr;
  torch::nn::Embedding token_embedding_{nullptr}, position_embedding_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  torch::nn::LayerNorm final_layer_norm_{nullptr};
};
TORCH_MODULE(ClipTextModel);

/// Builds the model from `<dir>/config.json` and loads `<dir>/model.safetensors`.
ClipTextModel load_clip_text_model(const std::string& dir);

}  // namespace tesg::sig::models

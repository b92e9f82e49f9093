#pragma once
// BLIP image captioning (transformers' BlipForConditionalGeneration): a ViT over the image, a
// BERT decoder with cross-attention to it, greedy or beam search as transformers generates,
// and the BlipImageProcessor preprocessing. Built from the folder's config.json.
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <vector>

#include "tesg/sig/hf_config.h"

namespace tesg::sig::models {

struct BlipOptions {
  // Vision transformer (BlipVisionConfig defaults).
  int64_t image_size = 384, patch_size = 16, vision_hidden = 768, vision_intermediate = 3072, vision_layers = 12,
          vision_heads = 12;
  double vision_eps = 1e-5;
  // Text decoder (BlipTextConfig defaults).
  int64_t vocab_size = 30524, text_hidden = 768, encoder_hidden = 768, text_intermediate = 3072, text_layers = 12,
          text_heads = 8, max_positions = 512, bos = 30522, sep = 102, pad = 0;
  double text_eps = 1e-12;
  static BlipOptions from_hf(const HfConfig& config);
};

struct GenerationOptions {
  int64_t max_length = 20;  ///< total length, prompt included (transformers' max_length)
  int64_t min_length = 0;   ///< no end token before this total length
  int64_t beams = 1;        ///< 1 = greedy
  double length_penalty = 1.0;
};

class BlipImpl : public torch::nn::Module {
 public:
  explicit BlipImpl(BlipOptions options);
  ~BlipImpl() override;
  /// pixel_values [B,3,S,S] -> image_embeds [B,1+N,C] (CLS first, after post_layernorm).
  torch::Tensor encode_image(const torch::Tensor& pixel_values);
  /// ids [B,L] (attention to all, causal) -> logits [B,L,V].
  torch::Tensor decoder_logits(const torch::Tensor& ids, const torch::Tensor& image_embeds);
  /// As generate(pixel_values, input_ids=prompt): the prompt's [CLS] becomes [DEC], its last
  /// token ([SEP]) is dropped, decoding stops at [SEP]; rows are padded with [PAD].
  /// `prompt` empty: start from [DEC] alone.
  torch::Tensor generate(const torch::Tensor& pixel_values, const std::vector<int64_t>& prompt,
                         const GenerationOptions& options);
  BlipOptions options;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};
TORCH_MODULE(Blip);

/// Builds BLIP from `<dir>/config.json` and loads `<dir>/model.safetensors`.
Blip load_blip(const std::string& dir);

/// BlipImageProcessor: uint8 HWC RGB -> [1,3,size,size]: PIL bicubic resize (reproduced in
/// integer arithmetic), /255, CLIP mean/std normalisation.
torch::Tensor blip_pixel_values(const torch::Tensor& image_uint8_hwc, int64_t size);

/// PIL's Image.resize(BICUBIC) of an 8-bit HWC image (antialiased, fixed point, two passes).
torch::Tensor pil_bicubic_resize(const torch::Tensor& image_uint8_hwc, int64_t height, int64_t width);

}  // namespace tesg::sig::models

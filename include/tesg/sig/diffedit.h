#pragma once
// DiffEdit key-object masks (paper Sec. 3.2, DESIGN.md): the image's latents, noised to
// `strength` with `maps` noise draws, denoised by the UNet under the caption T and the caption
// without the key word That; where the two noise predictions differ most is the key object.
// Classifier-free guidance cancels in that difference (the map is normalised by its mean), so
// only the two conditional passes run.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "tesg/sig/models/clip_text_model.h"
#include "tesg/sig/models/ddim_schedule.h"
#include "tesg/sig/models/unet.h"
#include "tesg/sig/models/vae_encoder.h"
#include "tesg/sig/tokenizers.h"

namespace tesg::sig {

struct DiffEditOptions {
  int64_t maps = 10;             ///< noise draws averaged (diffusers' num_maps_per_mask)
  double strength = 0.5;         ///< noise level as a fraction of the schedule (mask_encode_strength)
  double threshold_ratio = 3.0;  ///< map clamped at ratio * mean, then thresholded at 0.5
  int64_t steps = 50;            ///< inference steps that define the timestep grid
  int64_t batch = 20;            ///< UNet samples per call (bounds memory)
};

/// Stable Diffusion v1.x folder pieces (`unet/`, `vae/`, `text_encoder/`, `scheduler/`,
/// `tokenizer/`), loaded once.
struct StableDiffusion {
  models::UNet unet{nullptr};
  models::VaeEncoder vae{nullptr};
  models::ClipTextModel text_encoder{nullptr};
  std::unique_ptr<models::DdimSchedule> schedule;
  std::unique_ptr<ClipTokenizer> tokenizer;
  /// Loads `dir`; `fallback_tokenizer_dir` is used when `dir/tokenizer` is absent.
  static StableDiffusion load(const std::string& dir, const std::string& fallback_tokenizer_dir);
  /// CLIP last_hidden_state of `caption`, [1,77,D].
  torch::Tensor embed(const std::string& caption);
  void to(const torch::Device& device, torch::ScalarType dtype);
};

struct DiffEditMask {
  torch::Tensor guidance;    ///< [1,h,w] mean |eps(T) - eps(That)| at latent resolution
  torch::Tensor normalized;  ///< [1,h,w] clamp(guidance, 0, ratio mean) / (ratio mean)
  torch::Tensor mask;        ///< [1,h,w] {0,1}: normalized > 0.5
};

class DiffEdit {
 public:
  DiffEdit(StableDiffusion& sd, DiffEditOptions options) : sd_(sd), options_(options) {}
  /// The latent-resolution mask of `image` [1,3,H,W] in [-1,1] (H, W multiples of the VAE's
  /// scale factor) from the two caption embeddings; `posterior_noise` and `add_noise`
  /// [maps,C,h,w] are the draws (standard normal).
  DiffEditMask latent_mask(const torch::Tensor& image, const torch::Tensor& caption,
                           const torch::Tensor& caption_without_keyword,
                           const torch::Tensor& posterior_noise, const torch::Tensor& add_noise) const;
  /// The mask of an image [3,H,W] in [0,1] at its own size ([1,H,W] in {0,1}) from the two
  /// caption embeddings (StableDiffusion::embed): padded to the VAE's multiple, noise drawn
  /// from `generator_seed`, upsampled nearest, cropped back.
  torch::Tensor image_mask(const torch::Tensor& image, const torch::Tensor& caption,
                           const torch::Tensor& caption_without_keyword, uint64_t generator_seed) const;

 private:
  StableDiffusion& sd_;
  DiffEditOptions options_;
};

}  // namespace tesg::sig

#pragma once
// The encoder half of Stable Diffusion's AutoencoderKL: image [-1,1] -> the latent posterior
// (mean, log-variance) at 1/2^(blocks-1) resolution, built from config.json.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <vector>

#include "tesg/sig/hf_config.h"

namespace tesg::sig::models {

struct VaeOptions {
  int64_t in_channels = 3, latent_channels = 4, layers_per_block = 2, norm_groups = 32;
  std::vector<int64_t> block_channels = {128, 256, 512, 512};
  double scaling_factor = 0.18215;
  static VaeOptions from_hf(const HfConfig& config);
};

struct LatentPosterior {
  torch::Tensor mean, logvar;  ///< [B,latent,h,w]; logvar clamped to [-30, 20] as diffusers
  torch::Tensor std() const;
  /// mean + std * noise (the posterior sample with the caller's noise).
  torch::Tensor sample(const torch::Tensor& noise) const;
};

class VaeEncoderImpl : public torch::nn::Module {
 public:
  explicit VaeEncoderImpl(VaeOptions options);
  ~VaeEncoderImpl() override;
  LatentPosterior encode(const torch::Tensor& image);
  VaeOptions options;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};
TORCH_MODULE(VaeEncoder);

/// Builds the encoder from `<dir>/config.json` and loads it (and quant_conv) from
/// `<dir>/diffusion_pytorch_model.safetensors`; old attention names (query/key/value/proj_attn)
/// are accepted.
VaeEncoder load_vae_encoder(const std::string& dir);

}  // namespace tesg::sig::models

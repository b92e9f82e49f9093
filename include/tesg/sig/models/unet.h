#pragma once
// Stable Diffusion's noise predictor (diffusers' UNet2DConditionModel with CrossAttnDownBlock2D /
// DownBlock2D / UNetMidBlock2DCrossAttn / UpBlock2D / CrossAttnUpBlock2D), built from its
// config.json with diffusers' parameter names.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <vector>

#include "tesg/sig/hf_config.h"

namespace tesg::sig::models {

struct UNetOptions {
  int64_t in_channels = 4, out_channels = 4, layers_per_block = 2, norm_groups = 32, cross_attention_dim = 768,
          transformer_layers = 1;
  std::vector<int64_t> block_channels = {320, 640, 1280, 1280};
  std::vector<int64_t> heads = {8, 8, 8, 8};  ///< per block (diffusers' attention_head_dim quirk)
  std::vector<std::string> down_blocks = {"CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                          "DownBlock2D"};
  std::vector<std::string> up_blocks = {"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                        "CrossAttnUpBlock2D"};
  double norm_eps = 1e-5, freq_shift = 0;
  bool flip_sin_to_cos = true;
  int64_t downsample_padding = 1;
  static UNetOptions from_hf(const HfConfig& config);
};

class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(UNetOptions options);
  ~UNetImpl() override;
  /// sample [B,C,h,w], timesteps 0-d or [B], text [B,L,D] -> predicted noise [B,C,h,w]; any h, w.
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps, const torch::Tensor& text);
  UNetOptions options;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};
TORCH_MODULE(UNet);

/// Builds the UNet from `<dir>/config.json` and loads `<dir>/diffusion_pytorch_model.safetensors`.
UNet load_unet(const std::string& dir);

}  // namespace tesg::sig::models

#pragma once
// The diffusers building blocks of Stable Diffusion's UNet and VAE encoder, with diffusers'
// parameter names (resnets.N.norm1, attentions.N.transformer_blocks.M.attn1.to_q, ...).
#include <torch/torch.h>

#include <string>

namespace tesg::sig::models {

/// ResnetBlock2D: GroupNorm -> SiLU -> conv1 (+ time embedding) -> GroupNorm -> SiLU -> conv2,
/// plus a 1x1 conv_shortcut when the width changes.
class ResnetBlockImpl : public torch::nn::Module {
 public:
  ResnetBlockImpl(int64_t in, int64_t out, int64_t temb_channels, int64_t groups, double eps);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb = {});

 private:
  torch::nn::GroupNorm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, shortcut_{nullptr};
  torch::nn::Linear time_emb_proj_{nullptr};
};
TORCH_MODULE(ResnetBlock);

/// diffusers' Attention: to_q, to_k, to_v (bias optional) and to_out.0 (with bias).
class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(int64_t query_dim, int64_t context_dim, int64_t heads, bool qkv_bias);
  /// x [B,L,C], context [B,S,Cc] (undefined: self-attention).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});

 private:
  int64_t heads_;
  torch::nn::Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, out_{nullptr};
};
TORCH_MODULE(Attention);

/// Transformer2DModel with 1x1-conv projections and BasicTransformerBlocks (self-attention,
/// cross-attention to the text, GEGLU feed-forward).
class SpatialTransformerImpl : public torch::nn::Module {
 public:
  SpatialTransformerImpl(int64_t channels, int64_t heads, int64_t context_dim, int64_t groups, int64_t layers);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);

 private:
  torch::nn::GroupNorm norm_{nullptr};
  torch::nn::Conv2d proj_in_{nullptr}, proj_out_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
};
TORCH_MODULE(SpatialTransformer);

/// The VAE's single-head self-attention over pixels (group_norm, to_q/k/v/out.0 with bias).
class VaeAttentionImpl : public torch::nn::Module {
 public:
  VaeAttentionImpl(int64_t channels, int64_t groups, double eps);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::GroupNorm group_norm_{nullptr};
  Attention attention_{nullptr};
};
TORCH_MODULE(VaeAttention);

/// Sinusoidal timestep embedding as diffusers' get_timestep_embedding (max period 10000).
torch::Tensor timestep_embedding(const torch::Tensor& t, int64_t dim, bool flip_sin_to_cos, double freq_shift);

/// Registers `conv` as diffusers names a resampler: `<list>.0.conv` (list "downsamplers" or
/// "upsamplers") under `block`.
void register_resampler(torch::nn::Module& block, const std::string& list, const torch::nn::Conv2d& conv);

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride = 1, int64_t padding = 1);
torch::nn::Conv2d conv1x1(int64_t in, int64_t out);
torch::nn::GroupNorm group_norm(int64_t groups, int64_t channels, double eps);

}  // namespace tesg::sig::models

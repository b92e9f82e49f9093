#include "diffusion_blocks.h"

#include <cmath>

#include "building_blocks.h"

namespace tesg::sig::models {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride, int64_t padding) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(padding));
}
void register_resampler(torch::nn::Module& block, const std::string& list, const torch::nn::Conv2d& conv) {
  auto holder = std::make_shared<torch::nn::Module>();
  holder->register_module("conv", conv);
  block.register_module(list, torch::nn::ModuleList())->push_back(holder);
}

torch::nn::Conv2d conv1x1(int64_t in, int64_t out) { return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)); }
torch::nn::GroupNorm group_norm(int64_t groups, int64_t channels, double eps) {
  return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(eps));
}

ResnetBlockImpl::ResnetBlockImpl(int64_t in, int64_t out, int64_t temb_channels, int64_t groups, double eps) {
  norm1_ = register_module("norm1", group_norm(groups, in, eps));
  conv1_ = register_module("conv1", conv3x3(in, out));
  if (temb_channels > 0) time_emb_proj_ = register_module("time_emb_proj", torch::nn::Linear(temb_channels, out));
  norm2_ = register_module("norm2", group_norm(groups, out, eps));
  conv2_ = register_module("conv2", conv3x3(out, out));
  if (in != out) shortcut_ = register_module("conv_shortcut", conv1x1(in, out));
}

torch::Tensor ResnetBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
  auto h = conv1_(torch::silu(norm1_(x)));
  if (time_emb_proj_ && temb.defined()) h = h + time_emb_proj_(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
  h = conv2_(torch::silu(norm2_(h)));
  return (shortcut_ ? shortcut_(x) : x) + h;
}

AttentionImpl::AttentionImpl(int64_t query_dim, int64_t context_dim, int64_t heads, bool qkv_bias) : heads_(heads) {
  auto linear = [](int64_t in, int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
  };
  q_ = register_module("to_q", linear(query_dim, query_dim, qkv_bias));
  k_ = register_module("to_k", linear(context_dim, query_dim, qkv_bias));
  v_ = register_module("to_v", linear(context_dim, query_dim, qkv_bias));
  auto to_out = register_module("to_out", torch::nn::ModuleList());
  out_ = torch::nn::Linear(query_dim, query_dim);
  to_out->push_back(out_);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  const auto& c = context.defined() ? context : x;
  return out_(multi_head_attention(q_(x), k_(c), v_(c), heads_));
}

namespace {

// BasicTransformerBlock: x + attn1(norm1 x), + attn2(norm2 x, text), + GEGLU ff(norm3 x).
class TransformerBlockImpl : public torch::nn::Module {
 public:
  TransformerBlockImpl(int64_t dim, int64_t heads, int64_t context_dim) {
    constexpr double kEps = 1e-5;
    auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kEps)); };
    norm1_ = register_module("norm1", norm());
    attn1_ = register_module("attn1", Attention(dim, dim, heads, false));
    norm2_ = register_module("norm2", norm());
    attn2_ = register_module("attn2", Attention(dim, context_dim, heads, false));
    norm3_ = register_module("norm3", norm());
    auto net = group(*group(*this, "ff"), "net");
    constexpr int64_t kMult = 4;
    geglu_ = group(*net, "0")->register_module("proj", torch::nn::Linear(dim, 2 * kMult * dim));
    ff_out_ = net->register_module("2", torch::nn::Linear(kMult * dim, dim));
  }
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& context) {
    x = x + attn1_(norm1_(x));
    x = x + attn2_(norm2_(x), context);
    const auto parts = geglu_(norm3_(x)).chunk(2, -1);
    return x + ff_out_(parts[0] * torch::gelu(parts[1]));
  }

 private:
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr}, norm3_{nullptr};
  Attention attn1_{nullptr}, attn2_{nullptr};
  torch::nn::Linear geglu_{nullptr}, ff_out_{nullptr};
};
TORCH_MODULE(TransformerBlock);

// [B,C,H,W] <-> [B,HW,C]
torch::Tensor to_tokens(const torch::Tensor& x) { return x.flatten(2).transpose(1, 2); }
torch::Tensor to_map(const torch::Tensor& t, const torch::Tensor& like) {
  return t.transpose(1, 2).reshape(like.sizes());
}

}  // namespace

SpatialTransformerImpl::SpatialTransformerImpl(int64_t channels, int64_t heads, int64_t context_dim, int64_t groups,
                                               int64_t layers) {
  constexpr double kEps = 1e-6;
  norm_ = register_module("norm", group_norm(groups, channels, kEps));
  proj_in_ = register_module("proj_in", conv1x1(channels, channels));
  blocks_ = register_module("transformer_blocks", torch::nn::ModuleList());
  for (int64_t k = 0; k < layers; ++k) blocks_->push_back(TransformerBlock(channels, heads, context_dim));
  proj_out_ = register_module("proj_out", conv1x1(channels, channels));
}

torch::Tensor SpatialTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
  const auto h = proj_in_(norm_(x));
  auto tokens = to_tokens(h);
  for (auto& block : *blocks_) tokens = block->as<TransformerBlock>()->forward(tokens, context);
  return proj_out_(to_map(tokens, h)) + x;
}

VaeAttentionImpl::VaeAttentionImpl(int64_t channels, int64_t groups, double eps) {
  group_norm_ = register_module("group_norm", group_norm(groups, channels, eps));
  attention_ = Attention(channels, channels, 1, true);
  // The projections sit beside group_norm in diffusers' names (attentions.0.to_q, ...).
  for (const auto& child : attention_->named_children()) register_module(child.key(), child.value());
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor& x) {
  return to_map(attention_(to_tokens(group_norm_(x))), x) + x;
}

torch::Tensor timestep_embedding(const torch::Tensor& t, int64_t dim, bool flip_sin_to_cos, double freq_shift) {
  const int64_t half = dim / 2;
  const auto exponent = torch::arange(half, torch::kFloat32) * (-std::log(10000.0)) / (double(half) - freq_shift);
  const auto emb = t.reshape({-1, 1}).to(torch::kFloat32) * torch::exp(exponent).unsqueeze(0);
  return flip_sin_to_cos ? torch::cat({torch::cos(emb), torch::sin(emb)}, -1)
                         : torch::cat({torch::sin(emb), torch::cos(emb)}, -1);
}

}  // namespace tesg::sig::models

#include "tesg/sig/models/vae_encoder.h"

#include <torch/torch.h>

#include "building_blocks.h"
#include "diffusion_blocks.h"
#include "tesg/error.h"
#include "tesg/sig/weight_loader.h"

namespace tesg::sig::models {
namespace {

constexpr double kEps = 1e-6;  // every GroupNorm of the VAE

struct DownBlock {
  std::vector<ResnetBlock> resnets;
  torch::nn::Conv2d downsample{nullptr};
};

// Old VAE files name the mid-block attention query/key/value/proj_attn.
std::string new_attention_names(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> renames = {
      {".query.", ".to_q."}, {".key.", ".to_k."}, {".value.", ".to_v."}, {".proj_attn.", ".to_out.0."}};
  for (const auto& [from, to] : renames) {
    const auto at = name.find(from);
    if (at != std::string::npos) return name.substr(0, at) + to + name.substr(at + from.size());
  }
  return name;
}

}  // namespace

struct VaeEncoderImpl::Parts {
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr}, quant_conv{nullptr};
  std::vector<DownBlock> down;
  ResnetBlock mid_1{nullptr}, mid_2{nullptr};
  VaeAttention mid_attention{nullptr};
  torch::nn::GroupNorm norm_out{nullptr};
};

VaeOptions VaeOptions::from_hf(const HfConfig& c) {
  c.require_one_of("act_fn", {"silu"});
  VaeOptions o;
  o.in_channels = c.size("in_channels", o.in_channels);
  o.latent_channels = c.size("latent_channels", o.latent_channels);
  o.layers_per_block = c.size("layers_per_block", o.layers_per_block);
  o.norm_groups = c.size("norm_num_groups", o.norm_groups);
  o.block_channels = c.sizes("block_out_channels", o.block_channels);
  o.scaling_factor = c.number("scaling_factor", o.scaling_factor);
  for (const auto ch : o.block_channels) c.require_multiple(ch, o.norm_groups, "block_out_channels by norm_num_groups");
  for (const auto& t : c.strings("down_block_types", {})) {
    if (t != "DownEncoderBlock2D") throw CheckpointError(c.source() + ": down block " + t + " is not supported");
  }
  return o;
}

torch::Tensor LatentPosterior::std() const { return torch::exp(0.5 * logvar); }
torch::Tensor LatentPosterior::sample(const torch::Tensor& noise) const { return mean + std() * noise; }

VaeEncoderImpl::VaeEncoderImpl(VaeOptions options_) : options(std::move(options_)), parts_(std::make_unique<Parts>()) {
  const auto& o = options;
  auto& p = *parts_;
  const auto& ch = o.block_channels;
  const int64_t n = static_cast<int64_t>(ch.size()), last = ch[n - 1];
  auto encoder = group(*this, "encoder");
  p.conv_in = encoder->register_module("conv_in", conv3x3(o.in_channels, ch[0]));
  auto down_list = encoder->register_module("down_blocks", torch::nn::ModuleList());
  int64_t out = ch[0];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t in = out;
    out = ch[i];
    DownBlock b;
    auto m = std::make_shared<torch::nn::Module>();
    auto resnets = m->register_module("resnets", torch::nn::ModuleList());
    for (int64_t j = 0; j < o.layers_per_block; ++j) {
      b.resnets.push_back(ResnetBlock(j == 0 ? in : out, out, 0, o.norm_groups, kEps));
      resnets->push_back(b.resnets.back());
    }
    if (i < n - 1) {
      b.downsample = conv3x3(out, out, 2, 0);
      register_resampler(*m, "downsamplers", b.downsample);
    }
    down_list->push_back(m);
    p.down.push_back(b);
  }
  auto mid = group(*encoder, "mid_block");
  p.mid_1 = ResnetBlock(last, last, 0, o.norm_groups, kEps);
  p.mid_2 = ResnetBlock(last, last, 0, o.norm_groups, kEps);
  auto mid_resnets = mid->register_module("resnets", torch::nn::ModuleList());
  mid_resnets->push_back(p.mid_1);
  mid_resnets->push_back(p.mid_2);
  p.mid_attention = VaeAttention(last, o.norm_groups, kEps);
  mid->register_module("attentions", torch::nn::ModuleList())->push_back(p.mid_attention);
  p.norm_out = encoder->register_module("conv_norm_out", group_norm(o.norm_groups, last, kEps));
  p.conv_out = encoder->register_module("conv_out", conv3x3(last, 2 * o.latent_channels));
  p.quant_conv = register_module("quant_conv", conv1x1(2 * o.latent_channels, 2 * o.latent_channels));
}

VaeEncoderImpl::~VaeEncoderImpl() = default;

LatentPosterior VaeEncoderImpl::encode(const torch::Tensor& image) {
  auto& p = *parts_;
  auto x = p.conv_in(image);
  for (auto& b : p.down) {
    for (auto& r : b.resnets) x = r(x);
    if (b.downsample) x = b.downsample(torch::constant_pad_nd(x, {0, 1, 0, 1}));  // right and bottom
  }
  x = p.mid_2(p.mid_attention(p.mid_1(x)));
  const auto moments = p.quant_conv(p.conv_out(torch::silu(p.norm_out(x)))).chunk(2, 1);
  return {moments[0], moments[1].clamp(-30.0, 20.0)};
}

VaeEncoder load_vae_encoder(const std::string& dir) {
  VaeEncoder model(VaeOptions::from_hf(HfConfig::load(dir + "/config.json")));
  WeightLoadOptions options;
  options.rename = new_attention_names;  // decoder tensors are reported unexpected and unused
  load_weights(*model, SafetensorsFile(dir + "/diffusion_pytorch_model.safetensors"), options);
  model->eval();
  return model;
}

}  // namespace tesg::sig::models

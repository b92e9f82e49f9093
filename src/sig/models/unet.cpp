#include "tesg/sig/models/unet.h"

#include <torch/torch.h>

#include "building_blocks.h"
#include "diffusion_blocks.h"
#include "tesg/error.h"
#include "tesg/sig/weight_loader.h"

namespace tesg::sig::models {
namespace {

// One down or up block: resnets, optional transformers, optional resampler.
struct Block {
  std::vector<ResnetBlock> resnets;
  std::vector<SpatialTransformer> attentions;
  torch::nn::Conv2d resample{nullptr};
  bool downsample = true;  ///< the resampler halves (down blocks) or doubles (up blocks)
};

}  // namespace

struct UNetImpl::Parts {
  torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
  torch::nn::Linear time_1{nullptr}, time_2{nullptr};
  std::vector<Block> down, up;
  Block mid;
  torch::nn::GroupNorm norm_out{nullptr};
};

UNetOptions UNetOptions::from_hf(const HfConfig& c) {
  c.require_one_of("use_linear_projection", {"false"});
  c.require_one_of("act_fn", {"silu"});
  c.require_one_of("mid_block_type", {"UNetMidBlock2DCrossAttn"});
  c.require_one_of("time_embedding_type", {"positional"});
  c.require_one_of("only_cross_attention", {"false"});
  c.require_one_of("upcast_attention", {"false", "true"});  // fp32 softmax either way
  c.require_one_of("resnet_time_scale_shift", {"default"});
  for (const auto* key : {"class_embed_type", "addition_embed_type", "encoder_hid_dim", "time_cond_proj_dim"}) {
    if (c.has(key)) throw CheckpointError(c.source() + ": " + key + " is not supported");
  }
  UNetOptions o;
  o.in_channels = c.size("in_channels", o.in_channels);
  o.out_channels = c.size("out_channels", o.out_channels);
  o.layers_per_block = c.size("layers_per_block", o.layers_per_block);
  o.norm_groups = c.size("norm_num_groups", o.norm_groups);
  o.cross_attention_dim = c.size("cross_attention_dim", o.cross_attention_dim);
  o.transformer_layers = c.size("transformer_layers_per_block", o.transformer_layers);
  o.block_channels = c.sizes("block_out_channels", o.block_channels);
  o.down_blocks = c.strings("down_block_types", o.down_blocks);
  o.up_blocks = c.strings("up_block_types", o.up_blocks);
  o.norm_eps = c.number("norm_eps", o.norm_eps);
  o.freq_shift = c.number("freq_shift", o.freq_shift);
  o.flip_sin_to_cos = c.boolean("flip_sin_to_cos", o.flip_sin_to_cos);
  o.downsample_padding = c.integer("downsample_padding", o.downsample_padding);
  // diffusers: num_attention_heads defaults to attention_head_dim (which SD configs misuse).
  auto heads = c.sizes("num_attention_heads", c.sizes("attention_head_dim", {8}));
  if (heads.size() == 1) heads.assign(o.block_channels.size(), heads[0]);
  o.heads = heads;
  const size_t n = o.block_channels.size();
  if (o.down_blocks.size() != n || o.up_blocks.size() != n || o.heads.size() != n) {
    throw CheckpointError(c.source() + ": block_out_channels, down/up_block_types and heads differ in length");
  }
  c.require_range("downsample_padding", o.downsample_padding, 0, 1);
  for (size_t i = 0; i < n; ++i) {
    c.require_multiple(o.block_channels[i], o.norm_groups, "block_out_channels by norm_num_groups");
    c.require_multiple(o.block_channels[i], o.heads[i], "block_out_channels by num_attention_heads");
  }
  for (const auto& t : o.down_blocks) {
    if (t != "CrossAttnDownBlock2D" && t != "DownBlock2D") throw CheckpointError(c.source() + ": down block " + t + " is not supported");
  }
  for (const auto& t : o.up_blocks) {
    if (t != "CrossAttnUpBlock2D" && t != "UpBlock2D") throw CheckpointError(c.source() + ": up block " + t + " is not supported");
  }
  return o;
}

UNetImpl::UNetImpl(UNetOptions options_) : options(std::move(options_)), parts_(std::make_unique<Parts>()) {
  const auto& o = options;
  auto& p = *parts_;
  const auto& ch = o.block_channels;
  const int64_t n = static_cast<int64_t>(ch.size()), temb = 4 * ch[0];
  p.conv_in = register_module("conv_in", conv3x3(o.in_channels, ch[0]));
  auto time = group(*this, "time_embedding");
  p.time_1 = time->register_module("linear_1", torch::nn::Linear(ch[0], temb));
  p.time_2 = time->register_module("linear_2", torch::nn::Linear(temb, temb));
  auto resnet = [&](int64_t in, int64_t out) { return ResnetBlock(in, out, temb, o.norm_groups, o.norm_eps); };
  auto transformer = [&](int64_t c, int64_t heads) {
    return SpatialTransformer(c, heads, o.cross_attention_dim, o.norm_groups, o.transformer_layers);
  };
  // Adds block `b` under `<list>.<index>` with diffusers' child names.
  auto add = [](torch::nn::ModuleListImpl& list, Block& b) {
    auto m = std::make_shared<torch::nn::Module>();
    auto resnets = m->register_module("resnets", torch::nn::ModuleList());
    for (auto& r : b.resnets) resnets->push_back(r);
    if (!b.attentions.empty()) {
      auto attentions = m->register_module("attentions", torch::nn::ModuleList());
      for (auto& a : b.attentions) attentions->push_back(a);
    }
    if (b.resample) register_resampler(*m, b.downsample ? "downsamplers" : "upsamplers", b.resample);
    list.push_back(m);
  };
  auto down_list = register_module("down_blocks", torch::nn::ModuleList());
  int64_t out = ch[0];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t in = out;
    out = ch[i];
    Block b;
    for (int64_t j = 0; j < o.layers_per_block; ++j) {
      b.resnets.push_back(resnet(j == 0 ? in : out, out));
      if (o.down_blocks[i] == "CrossAttnDownBlock2D") b.attentions.push_back(transformer(out, o.heads[i]));
    }
    if (i < n - 1) b.resample = conv3x3(out, out, 2, o.downsample_padding);
    add(*down_list, b);
    p.down.push_back(b);
  }
  auto mid = register_module("mid_block", std::make_shared<torch::nn::Module>());
  p.mid.resnets = {resnet(ch[n - 1], ch[n - 1]), resnet(ch[n - 1], ch[n - 1])};
  p.mid.attentions = {transformer(ch[n - 1], o.heads[n - 1])};
  auto mid_resnets = mid->register_module("resnets", torch::nn::ModuleList());
  for (auto& r : p.mid.resnets) mid_resnets->push_back(r);
  mid->register_module("attentions", torch::nn::ModuleList())->push_back(p.mid.attentions[0]);
  auto up_list = register_module("up_blocks", torch::nn::ModuleList());
  out = ch[n - 1];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t prev = out;
    out = ch[n - 1 - i];
    const int64_t in = ch[std::max<int64_t>(n - 2 - i, 0)];
    Block b;
    b.downsample = false;
    for (int64_t j = 0; j <= o.layers_per_block; ++j) {
      const int64_t skip = j == o.layers_per_block ? in : out;
      b.resnets.push_back(resnet((j == 0 ? prev : out) + skip, out));
      if (o.up_blocks[i] == "CrossAttnUpBlock2D") b.attentions.push_back(transformer(out, o.heads[n - 1 - i]));
    }
    if (i < n - 1) b.resample = conv3x3(out, out);
    add(*up_list, b);
    p.up.push_back(b);
  }
  p.norm_out = register_module("conv_norm_out", group_norm(o.norm_groups, ch[0], o.norm_eps));
  p.conv_out = register_module("conv_out", conv3x3(ch[0], o.out_channels));
}

UNetImpl::~UNetImpl() = default;

torch::Tensor UNetImpl::forward(const torch::Tensor& sample, const torch::Tensor& timesteps, const torch::Tensor& text) {
  auto& p = *parts_;
  const auto t = timesteps.dim() == 0 ? timesteps.expand({sample.size(0)}) : timesteps;
  const auto t_emb = timestep_embedding(t.to(sample.device()), options.block_channels[0], options.flip_sin_to_cos,
                                        options.freq_shift).to(sample.scalar_type());
  const auto temb = p.time_2(torch::silu(p.time_1(t_emb)));
  auto x = p.conv_in(sample);
  std::vector<torch::Tensor> skips = {x};
  for (auto& b : p.down) {
    for (size_t j = 0; j < b.resnets.size(); ++j) {
      x = b.resnets[j](x, temb);
      if (!b.attentions.empty()) x = b.attentions[j](x, text);
      skips.push_back(x);
    }
    if (b.resample) skips.push_back(x = b.resample(x));
  }
  x = p.mid.resnets[0](x, temb);
  x = p.mid.resnets[1](p.mid.attentions[0](x, text), temb);
  for (auto& b : p.up) {
    for (size_t j = 0; j < b.resnets.size(); ++j) {
      x = b.resnets[j](torch::cat({x, skips.back()}, 1), temb);
      skips.pop_back();
      if (!b.attentions.empty()) x = b.attentions[j](x, text);
    }
    if (b.resample) {  // nearest x2, to the size of the skip it meets next (odd sizes)
      const auto& next = skips.back();
      x = b.resample(at::upsample_nearest2d(x, {next.size(2), next.size(3)}));
    }
  }
  return p.conv_out(torch::silu(p.norm_out(x)));
}

UNet load_unet(const std::string& dir) {
  UNet model(UNetOptions::from_hf(HfConfig::load(dir + "/config.json")));
  load_weights(*model, SafetensorsFile(dir + "/diffusion_pytorch_model.safetensors"));
  model->eval();
  return model;
}

}  // namespace tesg::sig::models

#include "tesg/sig/models/blip.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "building_blocks.h"
#include "tesg/error.h"
#include "tesg/sig/weight_loader.h"

namespace tesg::sig::models {
namespace {

using torch::nn::LayerNorm;
using torch::nn::LayerNormOptions;
using torch::nn::Linear;

LayerNorm layer_norm(int64_t c, double eps) { return LayerNorm(LayerNormOptions({c}).eps(eps)); }

// ViT layer, pre-LN, fused qkv projection (rows q, k, v).
class VisionLayerImpl : public torch::nn::Module {
 public:
  VisionLayerImpl(int64_t c, int64_t hidden, int64_t heads, double eps) : heads_(heads) {
    auto attn = group(*this, "self_attn");
    qkv_ = attn->register_module("qkv", Linear(c, 3 * c));
    projection_ = attn->register_module("projection", Linear(c, c));
    ln1_ = register_module("layer_norm1", layer_norm(c, eps));
    auto mlp = group(*this, "mlp");
    fc1_ = mlp->register_module("fc1", Linear(c, hidden));
    fc2_ = mlp->register_module("fc2", Linear(hidden, c));
    ln2_ = register_module("layer_norm2", layer_norm(c, eps));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    const auto qkv = qkv_(ln1_(x)).chunk(3, -1);
    const auto y = x + projection_(multi_head_attention(qkv[0], qkv[1], qkv[2], heads_));
    return y + fc2_(torch::gelu(fc1_(ln2_(y))));
  }

 private:
  int64_t heads_;
  Linear qkv_{nullptr}, projection_{nullptr}, fc1_{nullptr}, fc2_{nullptr};
  LayerNorm ln1_{nullptr}, ln2_{nullptr};
};
TORCH_MODULE(VisionLayer);

// BERT attention + output sub-layer: LayerNorm(x + dense(attention(x, context))).
class BertAttentionImpl : public torch::nn::Module {
 public:
  BertAttentionImpl(int64_t c, int64_t context, int64_t heads, double eps) : heads_(heads) {
    auto self = group(*this, "self");
    q_ = self->register_module("query", Linear(c, c));
    k_ = self->register_module("key", Linear(context, c));
    v_ = self->register_module("value", Linear(context, c));
    auto output = group(*this, "output");
    dense_ = output->register_module("dense", Linear(c, c));
    norm_ = output->register_module("LayerNorm", layer_norm(c, eps));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const torch::Tensor& mask = {}) {
    return norm_(x + dense_(multi_head_attention(q_(x), k_(context), v_(context), heads_, mask)));
  }

 private:
  int64_t heads_;
  Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, dense_{nullptr};
  LayerNorm norm_{nullptr};
};
TORCH_MODULE(BertAttention);

// BERT decoder layer: causal self-attention, cross-attention to the image, feed-forward.
class TextLayerImpl : public torch::nn::Module {
 public:
  explicit TextLayerImpl(const BlipOptions& o) {
    self_ = register_module("attention", BertAttention(o.text_hidden, o.text_hidden, o.text_heads, o.text_eps));
    cross_ = register_module("crossattention", BertAttention(o.text_hidden, o.encoder_hidden, o.text_heads, o.text_eps));
    intermediate_ = group(*this, "intermediate")->register_module("dense", Linear(o.text_hidden, o.text_intermediate));
    auto output = group(*this, "output");
    out_ = output->register_module("dense", Linear(o.text_intermediate, o.text_hidden));
    norm_ = output->register_module("LayerNorm", layer_norm(o.text_hidden, o.text_eps));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& image, const torch::Tensor& mask) {
    const auto y = cross_(self_(x, x, mask), image);
    return norm_(y + out_(torch::gelu(intermediate_(y))));
  }

 private:
  BertAttention self_{nullptr}, cross_{nullptr};
  Linear intermediate_{nullptr}, out_{nullptr};
  LayerNorm norm_{nullptr};
};
TORCH_MODULE(TextLayer);

// One finished beam-search hypothesis.
struct Hypothesis {
  double score;
  std::vector<int64_t> ids;
  bool ended;  // by the end token
};

// transformers' BeamHypotheses: the best `beams` finished hypotheses.
class Hypotheses {
 public:
  Hypotheses(int64_t beams, double length_penalty) : beams_(beams), length_penalty_(length_penalty) {}
  void add(std::vector<int64_t> ids, double sum_logprobs, int64_t generated, bool ended) {
    const double score = sum_logprobs / std::pow(double(generated), length_penalty_);
    if (static_cast<int64_t>(list_.size()) < beams_ || score > worst_) {
      list_.push_back({score, std::move(ids), ended});
      if (static_cast<int64_t>(list_.size()) > beams_) {
        const auto worst = std::min_element(list_.begin(), list_.end(),
                                            [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
        list_.erase(worst);
        worst_ = std::min_element(list_.begin(), list_.end(), [](const Hypothesis& a, const Hypothesis& b) {
                   return a.score < b.score;
                 })->score;
      } else {
        worst_ = std::min(score, worst_);
      }
    }
  }
  bool done(double best_sum_logprobs, int64_t generated) const {
    if (static_cast<int64_t>(list_.size()) < beams_) return false;
    return worst_ >= best_sum_logprobs / std::pow(double(generated), length_penalty_);
  }
  // The best; among equal scores the last added (Python's stable sort, then pop()).
  const Hypothesis& best() const {
    const Hypothesis* best = &list_.front();
    for (const auto& h : list_) {
      if (h.score >= best->score) best = &h;
    }
    return *best;
  }

 private:
  int64_t beams_;
  double length_penalty_, worst_ = 1e9;
  std::vector<Hypothesis> list_;
};

}  // namespace

struct BlipImpl::Parts {
  torch::nn::Conv2d patch{nullptr};
  torch::Tensor class_embedding, position_embedding, lm_bias;
  std::vector<VisionLayer> vision_layers;
  LayerNorm post_layernorm{nullptr}, text_norm{nullptr}, head_norm{nullptr};
  torch::nn::Embedding words{nullptr}, positions{nullptr};
  std::vector<TextLayer> text_layers;
  Linear head_dense{nullptr}, head_decoder{nullptr};
};

BlipOptions BlipOptions::from_hf(const HfConfig& c) {
  const auto v = c.section("vision_config"), t = c.section("text_config");
  v.require_one_of("hidden_act", {"gelu"});
  t.require_one_of("hidden_act", {"gelu"});
  t.require_one_of("position_embedding_type", {"absolute"});
  BlipOptions o;
  o.image_size = v.size("image_size", o.image_size);
  o.patch_size = v.size("patch_size", o.patch_size);
  o.vision_hidden = v.size("hidden_size", o.vision_hidden);
  o.vision_intermediate = v.size("intermediate_size", o.vision_intermediate);
  o.vision_layers = v.size("num_hidden_layers", o.vision_layers);
  o.vision_heads = v.size("num_attention_heads", o.vision_heads);
  o.vision_eps = v.number("layer_norm_eps", o.vision_eps);
  o.vocab_size = t.size("vocab_size", o.vocab_size);
  o.text_hidden = t.size("hidden_size", o.text_hidden);
  o.encoder_hidden = t.size("encoder_hidden_size", o.encoder_hidden);
  o.text_intermediate = t.size("intermediate_size", o.text_intermediate);
  o.text_layers = t.size("num_hidden_layers", o.text_layers);
  o.text_heads = t.size("num_attention_heads", o.text_heads);
  o.max_positions = t.size("max_position_embeddings", o.max_positions);
  o.text_eps = t.number("layer_norm_eps", o.text_eps);
  o.bos = t.integer("bos_token_id", o.bos);
  o.sep = t.integer("sep_token_id", o.sep);
  o.pad = t.integer("pad_token_id", o.pad);
  v.require_range("patch_size", o.patch_size, 1, o.image_size);
  v.require_multiple(o.vision_hidden, o.vision_heads, "hidden_size by num_attention_heads");
  t.require_multiple(o.text_hidden, o.text_heads, "hidden_size by num_attention_heads");
  for (const auto& [key, id] : {std::pair{"bos_token_id", o.bos}, {"sep_token_id", o.sep}, {"pad_token_id", o.pad}}) {
    t.require_range(key, id, 0, o.vocab_size - 1);
  }
  return o;
}

BlipImpl::BlipImpl(BlipOptions options_) : options(std::move(options_)), parts_(std::make_unique<Parts>()) {
  const auto& o = options;
  auto& p = *parts_;
  auto vision = group(*this, "vision_model");
  auto embeddings = group(*vision, "embeddings");
  const int64_t patches = (o.image_size / o.patch_size) * (o.image_size / o.patch_size);
  p.patch = embeddings->register_module(
      "patch_embedding", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, o.vision_hidden, o.patch_size).stride(o.patch_size)));
  p.class_embedding = embeddings->register_parameter("class_embedding", torch::zeros({1, 1, o.vision_hidden}));
  p.position_embedding = embeddings->register_parameter("position_embedding", torch::zeros({1, patches + 1, o.vision_hidden}));
  auto vision_layers = group(*vision, "encoder")->register_module("layers", torch::nn::ModuleList());
  for (int64_t k = 0; k < o.vision_layers; ++k) {
    p.vision_layers.push_back(VisionLayer(o.vision_hidden, o.vision_intermediate, o.vision_heads, o.vision_eps));
    vision_layers->push_back(p.vision_layers.back());
  }
  p.post_layernorm = vision->register_module("post_layernorm", layer_norm(o.vision_hidden, o.vision_eps));
  auto decoder = group(*this, "text_decoder");
  auto bert = group(*decoder, "bert");
  auto text_embeddings = group(*bert, "embeddings");
  p.words = text_embeddings->register_module("word_embeddings", torch::nn::Embedding(o.vocab_size, o.text_hidden));
  p.positions = text_embeddings->register_module("position_embeddings", torch::nn::Embedding(o.max_positions, o.text_hidden));
  p.text_norm = text_embeddings->register_module("LayerNorm", layer_norm(o.text_hidden, o.text_eps));
  auto text_layers = group(*bert, "encoder")->register_module("layer", torch::nn::ModuleList());
  for (int64_t k = 0; k < o.text_layers; ++k) {
    p.text_layers.push_back(TextLayer(o));
    text_layers->push_back(p.text_layers.back());
  }
  auto predictions = group(*group(*decoder, "cls"), "predictions");
  auto transform = group(*predictions, "transform");
  p.head_dense = transform->register_module("dense", Linear(o.text_hidden, o.text_hidden));
  p.head_norm = transform->register_module("LayerNorm", layer_norm(o.text_hidden, o.text_eps));
  p.head_decoder = predictions->register_module(
      "decoder", Linear(torch::nn::LinearOptions(o.text_hidden, o.vocab_size).bias(false)));
  p.lm_bias = predictions->register_parameter("bias", torch::zeros({o.vocab_size}));
}

BlipImpl::~BlipImpl() = default;

torch::Tensor BlipImpl::encode_image(const torch::Tensor& pixel_values) {
  auto& p = *parts_;
  const auto patches = p.patch(pixel_values).flatten(2).transpose(1, 2);
  auto x = torch::cat({p.class_embedding.expand({patches.size(0), 1, -1}).to(patches.dtype()), patches}, 1);
  x = x + p.position_embedding.narrow(1, 0, x.size(1));
  for (auto& layer : p.vision_layers) x = layer(x);
  return p.post_layernorm(x);
}

torch::Tensor BlipImpl::decoder_logits(const torch::Tensor& ids, const torch::Tensor& image_embeds) {
  auto& p = *parts_;
  const int64_t length = ids.size(1);
  auto x = p.text_norm(p.words(ids) + p.positions(torch::arange(length, ids.options())));
  const auto mask = causal_mask(length, x.options());
  for (auto& layer : p.text_layers) x = layer(x, image_embeds, mask);
  return p.head_decoder(p.head_norm(torch::gelu(p.head_dense(x)))) + p.lm_bias;
}

torch::Tensor BlipImpl::generate(const torch::Tensor& pixel_values, const std::vector<int64_t>& prompt,
                                 const GenerationOptions& g) {
  torch::NoGradGuard no_grad;
  const auto& o = options;
  const auto embeds = encode_image(pixel_values);
  const int64_t batch = embeds.size(0);
  std::vector<int64_t> start = {o.bos};
  if (prompt.size() > 1) start.insert(start.end(), prompt.begin() + 1, prompt.end() - 1);
  const int64_t prompt_length = static_cast<int64_t>(start.size());
  const auto long_options = torch::TensorOptions().dtype(torch::kLong).device(embeds.device());
  const double minus_inf = -std::numeric_limits<double>::infinity();
  std::vector<std::vector<int64_t>> rows;
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t beams = g.beams;
    const auto image = embeds.narrow(0, b, 1).expand({beams, -1, -1});
    auto seqs = torch::tensor(start, long_options).unsqueeze(0).repeat({beams, 1});
    std::vector<double> scores(static_cast<size_t>(beams), -1e9);
    scores[0] = 0;
    Hypotheses finished(beams, g.length_penalty);
    bool done = false;
    while (seqs.size(1) < g.max_length && !done) {
      auto logp = torch::log_softmax(decoder_logits(seqs, image).select(1, -1).to(torch::kFloat32), -1);
      if (seqs.size(1) < g.min_length) logp.select(1, o.sep).fill_(minus_inf);
      if (beams == 1) {  // greedy: the most likely token, the end token stops the row
        const int64_t next = logp.argmax(-1).item<int64_t>();
        seqs = torch::cat({seqs, torch::tensor({{next}}, long_options)}, 1);
        done = next == o.sep;
        continue;
      }
      const auto total = (logp + torch::tensor(scores, logp.options()).unsqueeze(1)).reshape(-1).cpu();
      const auto top = total.topk(2 * beams);
      const auto top_scores = std::get<0>(top), top_index = std::get<1>(top);
      const int64_t cur_len = seqs.size(1) + 1;
      std::vector<int64_t> next_beams, next_tokens;
      std::vector<double> next_scores;
      for (int64_t rank = 0; rank < 2 * beams && static_cast<int64_t>(next_tokens.size()) < beams; ++rank) {
        const int64_t index = top_index[rank].item<int64_t>(), token = index % o.vocab_size, beam = index / o.vocab_size;
        const double score = top_scores[rank].item<double>();
        if (token == o.sep) {
          if (rank >= beams) continue;
          const auto row = seqs[beam].cpu();
          finished.add(std::vector<int64_t>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel()), score,
                       cur_len - prompt_length, true);
        } else {
          next_beams.push_back(beam), next_tokens.push_back(token), next_scores.push_back(score);
        }
      }
      seqs = torch::cat({seqs.index_select(0, torch::tensor(next_beams, long_options)),
                         torch::tensor(next_tokens, long_options).unsqueeze(1)}, 1);
      scores = next_scores;
      done = finished.done(top_scores[0].item<double>(), cur_len - prompt_length);
    }
    const auto cpu = seqs.cpu();
    if (beams == 1) {
      rows.emplace_back(cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel());
      continue;
    }
    if (!done) {
      for (int64_t k = 0; k < beams; ++k) {
        const auto row = cpu[k];
        finished.add(std::vector<int64_t>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel()),
                     scores[static_cast<size_t>(k)], cpu.size(1) - prompt_length, false);
      }
    }
    auto best = finished.best();
    if (best.ended) best.ids.push_back(o.sep);
    rows.push_back(best.ids);
  }
  size_t longest = 0;
  for (const auto& r : rows) longest = std::max(longest, r.size());
  longest = std::min<size_t>(longest, static_cast<size_t>(g.max_length));
  auto out = torch::full({batch, static_cast<int64_t>(longest)}, o.pad, torch::kLong);
  for (int64_t b = 0; b < batch; ++b) {
    const auto& r = rows[static_cast<size_t>(b)];
    const auto n = std::min(r.size(), longest);
    out[b].narrow(0, 0, static_cast<int64_t>(n)).copy_(torch::tensor(std::vector<int64_t>(r.begin(), r.begin() + n)));
  }
  return out;
}

Blip load_blip(const std::string& dir) {
  Blip model(BlipOptions::from_hf(HfConfig::load(dir + "/config.json")));
  WeightLoadOptions options;
  options.ignore = {"position_ids", "cls.predictions.decoder.bias"};  // a buffer and a tied copy
  load_weights(*model, SafetensorsFile(dir + "/model.safetensors"), options);
  model->eval();
  return model;
}

torch::Tensor pil_bicubic_resize(const torch::Tensor& image, int64_t height, int64_t width) {
  constexpr int kPrecision = 22;  // PIL's PRECISION_BITS for 8-bit images
  auto bicubic = [](double x) {
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
  };
  // One separable pass along dimension `dim` of an int32 HWC image, as ImagingResampleHorizontal.
  auto pass = [&](const torch::Tensor& in, int64_t dim, int64_t out_size) {
    const int64_t in_size = in.size(dim);
    if (in_size == out_size) return in;
    const double scale = double(in_size) / double(out_size), filter_scale = std::max(scale, 1.0);
    const double support = 2.0 * filter_scale;
    auto sizes = in.sizes().vec();
    sizes[static_cast<size_t>(dim)] = out_size;
    auto out = torch::empty(sizes, torch::kInt32);
    for (int64_t o = 0; o < out_size; ++o) {
      const double center = (double(o) + 0.5) * scale;
      const int64_t lo = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
      const int64_t hi = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in_size);
      std::vector<double> w;
      double sum = 0;
      for (int64_t i = lo; i < hi; ++i) {
        w.push_back(bicubic((double(i) - center + 0.5) / filter_scale));
        sum += w.back();
      }
      auto acc = torch::full(in.select(dim, 0).sizes(), int64_t(1) << (kPrecision - 1), torch::kLong);
      for (int64_t i = lo; i < hi; ++i) {
        const double k = sum != 0 ? w[static_cast<size_t>(i - lo)] / sum : 0;
        const int64_t fixed = static_cast<int64_t>(k < 0 ? k * (1 << kPrecision) - 0.5 : k * (1 << kPrecision) + 0.5);
        acc += in.select(dim, i).to(torch::kLong) * fixed;
      }
      out.select(dim, o).copy_(torch::div(acc, int64_t(1) << kPrecision, "floor").clamp(0, 255));
    }
    return out;
  };
  const auto wide = pass(image.to(torch::kInt32), 1, width);  // horizontal first, like PIL
  return pass(wide, 0, height).to(torch::kUInt8);
}

torch::Tensor blip_pixel_values(const torch::Tensor& image_uint8_hwc, int64_t size) {
  const auto resized = pil_bicubic_resize(image_uint8_hwc, size, size).to(torch::kFloat64) / 255.0;
  const auto mean = torch::tensor({0.48145466, 0.4578275, 0.40821073}, torch::kFloat64);
  const auto std = torch::tensor({0.26862954, 0.26130258, 0.27577711}, torch::kFloat64);
  return ((resized - mean) / std).permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32).contiguous();
}

}  // namespace tesg::sig::models

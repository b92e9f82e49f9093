#include "tesg/sig/models/clip_text_model.h"

#include "building_blocks.h"
#include "tesg/error.h"
#include "tesg/sig/weight_loader.h"

namespace tesg::sig::models {
namespace {

using torch::nn::LayerNorm;
using torch::nn::LayerNormOptions;
using torch::nn::Linear;

// One pre-LN encoder layer: x + attn(ln1(x)) then x + mlp(ln2(x)).
class ClipEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderLayerImpl(const ClipTextOptions& o) : heads_(o.heads), quick_gelu_(o.quick_gelu) {
    const int64_t c = o.hidden_size;
    auto attn = group(*this, "self_attn");
    q_ = attn->register_module("q_proj", Linear(c, c));
    k_ = attn->register_module("k_proj", Linear(c, c));
    v_ = attn->register_module("v_proj", Linear(c, c));
    out_ = attn->register_module("out_proj", Linear(c, c));
    auto mlp = group(*this, "mlp");
    fc1_ = mlp->register_module("fc1", Linear(c, o.intermediate_size));
    fc2_ = mlp->register_module("fc2", Linear(o.intermediate_size, c));
    ln1_ = register_module("layer_norm1", LayerNorm(LayerNormOptions({c}).eps(o.layer_norm_eps)));
    ln2_ = register_module("layer_norm2", LayerNorm(LayerNormOptions({c}).eps(o.layer_norm_eps)));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask) {
    const auto h = ln1_(x);
    auto y = x + out_(multi_head_attention(q_(h), k_(h), v_(h), heads_, mask));
    const auto hidden = fc1_(ln2_(y));
    return y + fc2_(quick_gelu_ ? quick_gelu(hidden) : torch::gelu(hidden));
  }

 private:
  int64_t heads_;
  bool quick_gelu_;
  Linear q_{nullptr}, k_{nullptr}, v_{nullptr}, out_{nullptr}, fc1_{nullptr}, fc2_{nullptr};
  LayerNorm ln1_{nullptr}, ln2_{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

}  // namespace

ClipTextOptions ClipTextOptions::from_hf(const HfConfig& c) {
  c.require_one_of("hidden_act", {"quick_gelu", "gelu"});
  ClipTextOptions o;
  o.vocab_size = c.size("vocab_size", o.vocab_size);
  o.hidden_size = c.size("hidden_size", o.hidden_size);
  o.intermediate_size = c.size("intermediate_size", o.intermediate_size);
  o.layers = c.size("num_hidden_layers", o.layers);
  o.heads = c.size("num_attention_heads", o.heads);
  o.max_positions = c.size("max_position_embeddings", o.max_positions);
  o.layer_norm_eps = c.number("layer_norm_eps", o.layer_norm_eps);
  o.quick_gelu = c.string("hidden_act", "quick_gelu") == "quick_gelu";
  c.require_multiple(o.hidden_size, o.heads, "hidden_size by num_attention_heads");
  return o;
}

ClipTextModelImpl::ClipTextModelImpl(ClipTextOptions options_) : options(std::move(options_)) { reset(); }

void ClipTextModelImpl::reset() {
  const auto& o = options;
  auto text_model = group(*this, "text_model");
  auto embeddings = group(*text_model, "embeddings");
  token_embedding_ = embeddings->register_module("token_embedding", torch::nn::Embedding(o.vocab_size, o.hidden_size));
  position_embedding_ =
      embeddings->register_module("position_embedding", torch::nn::Embedding(o.max_positions, o.hidden_size));
  layers_ = group(*text_model, "encoder")->register_module("layers", torch::nn::ModuleList());
  for (int64_t k = 0; k < o.layers; ++k) layers_->push_back(ClipEncoderLayer(o));
  final_layer_norm_ = text_model->register_module(
      "final_layer_norm", LayerNorm(LayerNormOptions({o.hidden_size}).eps(o.layer_norm_eps)));
}

torch::Tensor ClipTextModelImpl::forward(const torch::Tensor& input_ids) {
  const int64_t length = input_ids.size(1);
  if (length > options.max_positions) {
    throw DataError("CLIP text: " + std::to_string(length) + " tokens, more than the " +
                    std::to_string(options.max_positions) + " positions of the model");
  }
  auto x = token_embedding_(input_ids) +
           position_embedding_(torch::arange(length, input_ids.options().dtype(torch::kLong)));
  const auto mask = causal_mask(length, x.options());
  for (auto& layer : *layers_) x = layer->as<ClipEncoderLayer>()->forward(x, mask);
  return final_layer_norm_(x);
}

ClipTextModel load_clip_text_model(const std::string& dir) {
  ClipTextModel model(ClipTextOptions::from_hf(HfConfig::load(dir + "/config.json")));
  const SafetensorsFile file(dir + "/model.safetensors");
  WeightLoadOptions options;
  options.ignore = {"position_ids"};  // an int buffer some checkpoints carry
  load_weights(*model, file, options);
  model->eval();
  return model;
}

}  // namespace tesg::sig::models

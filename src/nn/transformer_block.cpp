#include "tesg/nn/transformer_block.h"

#include <torch/torch.h>

namespace tesg::nn {

TransformerBlockImpl::TransformerBlockImpl(TransformerBlockOptions options)
    : options(std::move(options)) {
  reset();
}

void TransformerBlockImpl::reset() {
  const auto c = options.channels();
  norm1 = register_module("norm1", LayerNorm2d(c));
  attn = register_module("attn", MDTA(MDTAOptions(c).heads(options.heads())));
  norm2 = register_module("norm2", LayerNorm2d(c));
  ffn = register_module("ffn", GDFN(GDFNOptions(c).ffn_factor(options.ffn_factor())));
}

namespace {

// Activation checkpointing (reentrant, as torch.utils.checkpoint): the forward pass runs the
// block without recording a graph and keeps only its input; the backward pass runs it again with
// a graph and back-propagates through it, which also accumulates the parameters' gradients.
struct CheckpointedBlock : torch::autograd::Function<CheckpointedBlock> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               TransformerBlockImpl* block) {
    ctx->save_for_backward({x});
    ctx->saved_data["block"] = reinterpret_cast<int64_t>(block);
    return block->block(x);  // grad mode is off inside a custom function's forward
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_output) {
    auto* block = reinterpret_cast<TransformerBlockImpl*>(ctx->saved_data["block"].toInt());
    auto x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    torch::Tensor y;
    {
      torch::AutoGradMode grad_on(true);
      y = block->block(x);
    }
    torch::autograd::backward({y}, {grad_output[0]});
    return {x.grad(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  // A custom function records a node only for inputs that need gradients: with a constant input
  // the parameters' gradients would be lost, so such a block runs plainly.
  if (options.checkpoint() && is_training() && torch::GradMode::is_enabled() && x.requires_grad()) {
    return CheckpointedBlock::apply(x, this);
  }
  return block(x);
}

torch::Tensor TransformerBlockImpl::block(const torch::Tensor& x) {
  const auto y = x + attn(norm1(x));
  return y + ffn(norm2(y));
}

void set_activation_checkpointing(torch::nn::Module& model, bool on) {
  for (const auto& m : model.modules()) {
    if (auto* b = dynamic_cast<TransformerBlockImpl*>(m.get())) b->options.checkpoint(on);
  }
}

}  // namespace tesg::nn

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

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  const auto y = x + attn(norm1(x));
  return y + ffn(norm2(y));
}

}  // namespace tesg::nn

#include "tesg/nn/channel_cross_attention.h"

#include <torch/torch.h>

#include "conv.h"
#include "tesg/nn/channel_attention.h"

namespace tesg::nn {

ChannelCrossAttentionImpl::ChannelCrossAttentionImpl(ChannelCrossAttentionOptions options)
    : options(std::move(options)) {
  reset();
}

void ChannelCrossAttentionImpl::reset() {
  const auto c = options.channels();
  const bool bias = options.bias();
  TORCH_CHECK(c % options.heads() == 0, "ChannelCrossAttention: channels (", c,
              ") must be divisible by heads (", options.heads(), ")");
  norm_x = register_module("norm_x", LayerNorm2d(c));
  norm_y = register_module("norm_y", LayerNorm2d(c));
  q = register_module("q", same_conv(c, c, 1, bias));
  q_dw = register_module("q_dw", same_conv(c, c, 3, bias, c));
  kv = register_module("kv", same_conv(c, 2 * c, 1, bias));
  kv_dw = register_module("kv_dw", same_conv(2 * c, 2 * c, 3, bias, 2 * c));
  project_out = register_module("project_out", same_conv(c, c, 1, bias));
  temperature = register_parameter("temperature", torch::ones({options.heads(), 1, 1}));
}

torch::Tensor ChannelCrossAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& y) {
  const auto query = q_dw(q(norm_x(x)));
  const auto key_value = kv_dw(kv(norm_y(y))).chunk(2, 1);
  return x + project_out(channel_attention(query, key_value[0], key_value[1], temperature,
                                           options.heads()));
}

}  // namespace tesg::nn

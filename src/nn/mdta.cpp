#include "tesg/nn/mdta.h"

#include <torch/torch.h>

#include "conv.h"
#include "tesg/nn/channel_attention.h"

namespace tesg::nn {

MDTAImpl::MDTAImpl(MDTAOptions options) : options(std::move(options)) { reset(); }

void MDTAImpl::reset() {
  const auto c = options.channels();
  TORCH_CHECK(c % options.heads() == 0, "MDTA: channels (", c, ") must be divisible by heads (",
              options.heads(), ")");
  qkv = register_module("qkv", same_conv(c, 3 * c, 1, options.bias()));
  qkv_dw = register_module("qkv_dw", same_conv(3 * c, 3 * c, 3, options.bias(), 3 * c));
  project_out = register_module("project_out", same_conv(c, c, 1, options.bias()));
  temperature = register_parameter("temperature", torch::ones({options.heads(), 1, 1}));
}

torch::Tensor MDTAImpl::forward(const torch::Tensor& x) {
  const auto qkv_maps = qkv_dw(qkv(x)).chunk(3, 1);
  return project_out(
      channel_attention(qkv_maps[0], qkv_maps[1], qkv_maps[2], temperature, options.heads()));
}

}  // namespace tesg::nn

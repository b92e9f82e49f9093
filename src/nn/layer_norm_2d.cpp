#include "tesg/nn/layer_norm_2d.h"

#include <torch/torch.h>

namespace tesg::nn {

LayerNorm2dImpl::LayerNorm2dImpl(LayerNorm2dOptions options) : options(std::move(options)) {
  reset();
}

void LayerNorm2dImpl::reset() {
  weight = register_parameter("weight", torch::ones({options.channels()}));
  bias = register_parameter("bias", torch::zeros({options.channels()}));
}

torch::Tensor LayerNorm2dImpl::forward(const torch::Tensor& x) {
  // [B,C,H,W] channels-last is [B,H,W,C] contiguous: normalise the last dim, permute back.
  const auto y = torch::layer_norm(x.permute({0, 2, 3, 1}), {options.channels()}, weight, bias,
                                   options.eps());
  return y.permute({0, 3, 1, 2});
}

}  // namespace tesg::nn

#include "tesg/nn/fusion_decoder.h"

#include <torch/torch.h>

#include "conv.h"
#include "transformer_stack.h"

namespace tesg::nn {

FusionDecoderImpl::FusionDecoderImpl(FusionDecoderOptions options) : options(std::move(options)) {
  reset();
}

void FusionDecoderImpl::reset() {
  blocks = register_module("blocks", transformer_stack(options.blocks(), options.channels(),
                                                       options.heads(), options.ffn_factor()));
  output = register_module(
      "output", same_conv(options.channels(), options.out_channels(), 3, /*bias=*/true));
  if (options.residual()) {
    torch::NoGradGuard no_grad;
    output->weight.zero_();
    output->bias.zero_();
  }
}

torch::Tensor FusionDecoderImpl::forward(const torch::Tensor& features) {
  const auto out = output(blocks->forward(features));
  return (options.residual() ? out : torch::sigmoid(out)).contiguous();
}

}  // namespace tesg::nn

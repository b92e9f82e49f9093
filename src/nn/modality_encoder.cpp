#include "tesg/nn/modality_encoder.h"

#include <torch/torch.h>

#include "conv.h"
#include "transformer_stack.h"

namespace tesg::nn {

ModalityEncoderImpl::ModalityEncoderImpl(ModalityEncoderOptions options)
    : options(std::move(options)) {
  reset();
}

void ModalityEncoderImpl::reset() {
  embed = register_module(
      "embed", same_conv(options.in_channels(), options.channels(), 3, /*bias=*/false));
  blocks = register_module("blocks", transformer_stack(options.blocks(), options.channels(),
                                                       options.heads(), options.ffn_factor()));
}

torch::Tensor ModalityEncoderImpl::forward(const torch::Tensor& image) {
  // Channels-last from here on: convolutions are faster and LayerNorm needs no copy.
  return blocks->forward(embed(image).contiguous(at::MemoryFormat::ChannelsLast));
}

}  // namespace tesg::nn

#pragma once
// Private: a Sequential of identical transformer blocks, shared by encoder and decoder.
#include <torch/nn/modules/container/sequential.h>

#include "tesg/nn/transformer_block.h"

namespace tesg::nn {

inline torch::nn::Sequential transformer_stack(int64_t blocks, int64_t channels, int64_t heads,
                                               double ffn_factor) {
  torch::nn::Sequential stack;
  for (int64_t i = 0; i < blocks; ++i) {
    stack->push_back(TransformerBlock(
        TransformerBlockOptions(channels).heads(heads).ffn_factor(ffn_factor)));
  }
  return stack;
}

}  // namespace tesg::nn

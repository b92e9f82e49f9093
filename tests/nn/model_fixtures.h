#pragma once
// Small TeSG configurations that run fast on two CPU cores.
#include <torch/torch.h>

#include "tesg/nn/tesg.h"

namespace tesg::test {

constexpr int64_t kTextDim = 16;   // small stand-in for CLIP's 768
constexpr int64_t kTextTokens = 5;

inline nn::TeSGOptions small_model() {
  return nn::TeSGOptions()
      .channels(8)
      .heads(2)
      .blocks(1)
      .ffn_factor(2.0)
      .text_dim(kTextDim)
      .text_attn_dim(8)
      .text_heads(2);
}

struct Inputs {
  torch::Tensor vi, ir, mask, ft;
};

/// Random inputs of batch `b` and size h x w; the mask covers the left half.
inline Inputs random_inputs(int64_t b, int64_t h, int64_t w) {
  Inputs in;
  in.vi = torch::rand({b, 3, h, w});
  in.ir = torch::rand({b, 1, h, w});
  in.mask = torch::zeros({b, 1, h, w});
  in.mask.narrow(3, 0, (w + 1) / 2).fill_(1);
  in.ft = torch::randn({b, kTextTokens, kTextDim});
  return in;
}

inline int64_t parameter_count(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace tesg::test

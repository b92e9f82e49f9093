#pragma once
// Private helpers shared by the nn modules.
#include <torch/nn/modules/conv.h>

namespace tesg::nn {

/// A same-padding k x k convolution (`groups` = channels gives a depthwise one).
inline torch::nn::Conv2d same_conv(int64_t in, int64_t out, int64_t kernel, bool bias,
                                   int64_t groups = 1) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                               .padding(kernel / 2)
                               .groups(groups)
                               .bias(bias));
}

}  // namespace tesg::nn

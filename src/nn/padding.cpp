#include "tesg/nn/padding.h"

#include <torch/torch.h>

namespace tesg::nn {

torch::Tensor pad_to_multiple(const torch::Tensor& x, int64_t multiple) {
  TORCH_CHECK(multiple >= 1, "pad_to_multiple: multiple must be >= 1, got ", multiple);
  const auto h = x.size(2), w = x.size(3);
  const auto pad_h = (multiple - h % multiple) % multiple;
  const auto pad_w = (multiple - w % multiple) % multiple;
  if (pad_h == 0 && pad_w == 0) return x;
  const std::vector<int64_t> pad = {0, pad_w, 0, pad_h};
  const bool can_reflect = pad_h < h && pad_w < w;
  return can_reflect ? torch::reflection_pad2d(x, pad) : torch::replication_pad2d(x, pad);
}

}  // namespace tesg::nn

#pragma once
#include <ATen/core/Tensor.h>

namespace tesg::nn {

/// Transposed (channel) attention, the core of Restormer's MDTA and of TeSG's cross-attention:
/// per head, q and k are L2-normalised over pixels and softmax(q k^T * temperature) is a
/// [C/heads x C/heads] map applied to v, so cost grows linearly with the pixel count.
/// q, k, v [B,C,H,W]; temperature [heads,1,1]. Returns [B,C,H,W] in channels-last memory.
torch::Tensor channel_attention(const torch::Tensor& q, const torch::Tensor& k,
                                const torch::Tensor& v, const torch::Tensor& temperature,
                                int64_t heads);

}  // namespace tesg::nn

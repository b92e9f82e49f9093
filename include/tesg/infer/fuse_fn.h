#pragma once
// The one signature every fusion method of tesg-fuse has: the TeSG network, tiled or not, and
// the simple baselines.
#include <ATen/core/Tensor.h>

#include <functional>

namespace tesg::infer {

/// vi [B,3,H,W], ir [B,1,H,W] in [0,1], mask [B,1,H,W] in {0,1}, ft [B,L,D] or undefined ->
/// fused RGB [B,3,H,W] in [0,1], float32 on the CPU.
using FuseFn = std::function<torch::Tensor(const torch::Tensor& vi, const torch::Tensor& ir,
                                           const torch::Tensor& mask, const torch::Tensor& ft)>;

}  // namespace tesg::infer

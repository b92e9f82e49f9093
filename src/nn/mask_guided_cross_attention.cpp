#include "tesg/nn/mask_guided_cross_attention.h"

#include <torch/torch.h>

namespace tesg::nn {

MaskGuidedCrossAttentionImpl::MaskGuidedCrossAttentionImpl(
    MaskGuidedCrossAttentionOptions options)
    : options(std::move(options)) {
  reset();
}

void MaskGuidedCrossAttentionImpl::reset() {
  TORCH_CHECK(options.channels() % options.heads() == 0, "MaskGuidedCrossAttention: channels (",
              options.channels(), ") must be divisible by heads (", options.heads(), ")");
  const auto ca = ChannelCrossAttentionOptions(options.channels()).heads(options.heads());
  ca_vi_m = register_module("ca_vi_m", ChannelCrossAttention(ca));
  ca_vi_mb = register_module("ca_vi_mb", ChannelCrossAttention(ca));
  ca_iv_m = register_module("ca_iv_m", ChannelCrossAttention(ca));
  ca_iv_mb = register_module("ca_iv_mb", ChannelCrossAttention(ca));
}

std::tuple<torch::Tensor, torch::Tensor> MaskGuidedCrossAttentionImpl::forward(
    const torch::Tensor& fv_m, const torch::Tensor& fv_mb, const torch::Tensor& fi_m,
    const torch::Tensor& fi_mb) {
  auto fvi = ca_vi_m(fv_m, fi_m) + ca_vi_mb(fv_mb, fi_mb);  // Eqs. 4, 6: Fvi = Fvi^m + Fvi^mb
  auto fiv = ca_iv_m(fi_m, fv_m) + ca_iv_mb(fi_mb, fv_mb);  // Eqs. 5, 6: Fiv = Fiv^m + Fiv^mb
  return {fvi, fiv};
}

}  // namespace tesg::nn

#include "tesg/nn/gated_attentional_fusion.h"

#include <torch/torch.h>

#include "conv.h"

namespace tesg::nn {

GatedAttentionalFusionImpl::GatedAttentionalFusionImpl(GatedAttentionalFusionOptions options)
    : options(std::move(options)) {
  reset();
}

void GatedAttentionalFusionImpl::reset() {
  const auto c = options.channels();
  w_v = register_module("w_v", same_conv(c, c, 3, /*bias=*/true));
  w_i = register_module("w_i", same_conv(c, c, 3, /*bias=*/true));
  sa_hidden = register_module("sa_hidden", same_conv(2 * c, c, 1, /*bias=*/true));
  sa_out = register_module("sa_out", same_conv(c, 1, 1, /*bias=*/true));
}

torch::Tensor GatedAttentionalFusionImpl::forward(const torch::Tensor& fv, const torch::Tensor& fi,
                                                  const torch::Tensor& fvi,
                                                  const torch::Tensor& fiv,
                                                  const torch::Tensor& fr) {
  const auto visible = fv + fvi, infrared = fi + fiv;
  const auto g_v = torch::sigmoid(w_v(visible));   // Eq. 8: Gv = sigma(Wv (Fv + Fvi))
  const auto g_i = torch::sigmoid(w_i(infrared));  // Eq. 8: Gi = sigma(Wi (Fi + Fiv))
  const auto alpha = torch::sigmoid(sa_out(torch::relu(sa_hidden(fr))));  // Eq. 9
  // Eq. 10: F = alpha (1 + Gv)(Fv + Fvi) + (1 - alpha)(1 + Gi)(Fi + Fiv)
  return alpha * (1 + g_v) * visible + (1 - alpha) * (1 + g_i) * infrared;
}

}  // namespace tesg::nn

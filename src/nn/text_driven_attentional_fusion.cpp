#include "tesg/nn/text_driven_attentional_fusion.h"

#include <torch/torch.h>

#include "conv.h"

namespace tesg::nn {

TextDrivenAttentionalFusionImpl::TextDrivenAttentionalFusionImpl(
    TextDrivenAttentionalFusionOptions options)
    : options(std::move(options)) {
  reset();
}

void TextDrivenAttentionalFusionImpl::reset() {
  const auto c = options.channels();
  if (options.tivr()) {
    tivr = register_module("tivr", TextInformedVisualReconstruction(
                                       TextInformedVisualReconstructionOptions(2 * c)
                                           .text_dim(options.text_dim())
                                           .attn_dim(options.text_attn_dim())
                                           .heads(options.text_heads())));
  }
  if (options.gaf()) {
    gaf = register_module("gaf", GatedAttentionalFusion(GatedAttentionalFusionOptions(c)));
  } else {
    reduce = register_module("reduce", same_conv(2 * c, c, 1, /*bias=*/true));
  }
}

torch::Tensor TextDrivenAttentionalFusionImpl::forward(const torch::Tensor& fv,
                                                       const torch::Tensor& fi,
                                                       const torch::Tensor& fvi,
                                                       const torch::Tensor& fiv,
                                                       const torch::Tensor& ft) {
  const auto cat = torch::cat({fvi, fiv}, 1);
  const auto fr = options.tivr() ? tivr(cat, ft) : cat;  // Eq. 7
  return options.gaf() ? gaf(fv, fi, fvi, fiv, fr) : reduce(fr);
}

}  // namespace tesg::nn

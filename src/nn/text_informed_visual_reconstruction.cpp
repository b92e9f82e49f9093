#include "tesg/nn/text_informed_visual_reconstruction.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace tesg::nn {

TextInformedVisualReconstructionImpl::TextInformedVisualReconstructionImpl(
    TextInformedVisualReconstructionOptions options)
    : options(std::move(options)) {
  reset();
}

void TextInformedVisualReconstructionImpl::reset() {
  const auto c = options.channels(), d = options.attn_dim(), text = options.text_dim();
  TORCH_CHECK(d % options.heads() == 0, "TextInformedVisualReconstruction: attn_dim (", d,
              ") must be divisible by heads (", options.heads(), ")");
  norm_visual = register_module("norm_visual", LayerNorm2d(c));
  norm_text = register_module("norm_text",
                              torch::nn::LayerNorm(torch::nn::LayerNormOptions({text})));
  to_q = register_module("to_q", torch::nn::Linear(torch::nn::LinearOptions(c, d).bias(false)));
  to_k = register_module("to_k", torch::nn::Linear(torch::nn::LinearOptions(text, d).bias(false)));
  to_v = register_module("to_v", torch::nn::Linear(torch::nn::LinearOptions(text, d).bias(false)));
  project_out = register_module("project_out", torch::nn::Linear(d, c));
}

torch::Tensor TextInformedVisualReconstructionImpl::forward(const torch::Tensor& cat,
                                                           const torch::Tensor& ft) {
  const auto b = cat.size(0), c = cat.size(1), h = cat.size(2), w = cat.size(3);
  const auto heads = options.heads(), dh = options.attn_dim() / heads, l = ft.size(1);
  // Pixels as tokens: [B,HW,2C] (a view of channels-last memory).
  const auto pixels = norm_visual(cat).permute({0, 2, 3, 1}).reshape({b, h * w, c});
  const auto text = norm_text(ft);
  const auto k = to_k(text).view({b, l, heads, dh}).transpose(1, 2);  // [B,heads,L,dh]
  const auto v = to_v(text).view({b, l, heads, dh}).transpose(1, 2);  // [B,heads,L,dh]
  // Each pixel attends independently: chunks of pixels give the same result in less memory.
  std::vector<torch::Tensor> chunks;
  for (int64_t start = 0; start < h * w; start += options.pixel_chunk()) {
    const auto n = std::min(options.pixel_chunk(), h * w - start);
    const auto q = to_q(pixels.narrow(1, start, n)).view({b, n, heads, dh}).transpose(1, 2);
    const auto attn = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(dh), -1);
    chunks.push_back(torch::matmul(attn, v).transpose(1, 2).reshape({b, n, heads * dh}));
  }
  const auto out = chunks.size() == 1 ? chunks[0] : torch::cat(chunks, 1);
  // Eq. 7: Fr = Cat(Fvi, Fiv) + CA(Cat(Fvi, Fiv), Ft)
  return cat + project_out(out).view({b, h, w, c}).permute({0, 3, 1, 2});
}

}  // namespace tesg::nn

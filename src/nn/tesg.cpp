#include "tesg/nn/tesg.h"

#include <torch/torch.h>

#include "tesg/nn/color.h"
#include "tesg/nn/edge_guided_fusion.h"
#include "tesg/nn/padding.h"

namespace tesg::nn {
namespace {

constexpr double kNullTextInitStd = 0.02;

// The image the decoder corrects when the output is residual: the max-luma fusion of the sources
// (what L_int pulls toward, brighter source per pixel), the edge-guided fusion or the visible
// image; the fusions keep the visible chroma.
torch::Tensor base_image(const std::string& base, const torch::Tensor& vi, const torch::Tensor& ir) {
  if (base == "visible") return vi;
  const auto luma = rgb_to_gray(vi);
  return with_luma(vi, base == "edge_guided" ? edge_guided_fusion(ir, luma) : torch::max(luma, ir));
}

void check_inputs(const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
                  const torch::Tensor& ft, int64_t text_dim) {
  TORCH_CHECK(vi.dim() == 4 && vi.size(1) == 3, "TeSG: vi must be [B,3,H,W], got ", vi.sizes());
  TORCH_CHECK(ir.dim() == 4 && ir.size(1) == 1, "TeSG: ir must be [B,1,H,W], got ", ir.sizes());
  TORCH_CHECK(mask.dim() == 4 && mask.size(1) == 1, "TeSG: mask must be [B,1,H,W], got ",
              mask.sizes());
  const auto b = vi.size(0), h = vi.size(2), w = vi.size(3);
  TORCH_CHECK(ir.size(0) == b && ir.size(2) == h && ir.size(3) == w, "TeSG: ir ", ir.sizes(),
              " does not match vi ", vi.sizes());
  TORCH_CHECK(mask.size(0) == b && mask.size(2) == h && mask.size(3) == w, "TeSG: mask ",
              mask.sizes(), " does not match vi ", vi.sizes());
  if (ft.defined()) {
    TORCH_CHECK(ft.dim() == 3 && ft.size(0) == b && ft.size(2) == text_dim,
                "TeSG: ft must be [B,L,", text_dim, "] with B = ", b, ", got ", ft.sizes());
  }
}

// The encoder applied to the whole image and to its foreground and background (MGCA's three
// inputs) -> {F, F^m, F^mb}. Training batches them into one pass; inference runs them one after
// another, which gives the same features with a third of the peak activation memory.
std::vector<torch::Tensor> encode_regions(ModalityEncoder& encoder, const torch::Tensor& x,
                                          const torch::Tensor& mask,
                                          const torch::Tensor& mask_bar) {
  if (torch::GradMode::is_enabled()) {
    return encoder(torch::cat({x, x * mask, x * mask_bar}, 0)).chunk(3, 0);
  }
  return {encoder(x), encoder(x * mask), encoder(x * mask_bar)};
}

}  // namespace

TeSGImpl::TeSGImpl(TeSGOptions options) : options(std::move(options)) {
  const auto& base = this->options.base();
  TORCH_CHECK(base == "none" || base == "max" || base == "edge_guided" || base == "visible",
              "TeSG: base must be none, max, edge_guided or visible, got '", base, "'");
  reset();
}

void TeSGImpl::reset() {
  const auto& o = options;
  const auto c = o.channels();
  auto encoder = [&](int64_t in_channels) {
    return ModalityEncoder(ModalityEncoderOptions(in_channels, c)
                               .heads(o.heads())
                               .blocks(o.blocks())
                               .ffn_factor(o.ffn_factor()));
  };
  encoder_vi = register_module("encoder_vi", encoder(3));
  encoder_ir = register_module("encoder_ir", encoder(1));
  if (o.mgca()) {
    mgca = register_module("mgca", MaskGuidedCrossAttention(
                                       MaskGuidedCrossAttentionOptions(c).heads(o.heads())));
  } else {
    const auto ca = ChannelCrossAttentionOptions(c).heads(o.heads());
    ca_vi = register_module("ca_vi", ChannelCrossAttention(ca));
    ca_iv = register_module("ca_iv", ChannelCrossAttention(ca));
  }
  tdaf = register_module("tdaf", TextDrivenAttentionalFusion(
                                     TextDrivenAttentionalFusionOptions(c)
                                         .text_dim(o.text_dim())
                                         .text_attn_dim(o.text_attn_dim())
                                         .text_heads(o.text_heads())
                                         .tivr(o.tivr())
                                         .gaf(o.gaf())));
  decoder = register_module("decoder", FusionDecoder(FusionDecoderOptions(c)
                                                         .heads(o.heads())
                                                         .blocks(o.blocks())
                                                         .ffn_factor(o.ffn_factor())
                                                         .residual(o.base() != "none")));
  if (o.tivr()) {
    null_text = register_parameter("null_text",
                                   torch::randn({1, o.null_text_tokens(), o.text_dim()}) * kNullTextInitStd);
  }
}

torch::Tensor TeSGImpl::forward(const torch::Tensor& vi, const torch::Tensor& ir,
                                const torch::Tensor& mask, const torch::Tensor& ft) {
  check_inputs(vi, ir, mask, ft, options.text_dim());
  const auto h = vi.size(2), w = vi.size(3), m = options.pad_multiple();
  const auto fused = fuse(pad_to_multiple(vi, m), pad_to_multiple(ir, m),
                          pad_to_multiple(mask, m), ft);
  return fused.narrow(2, 0, h).narrow(3, 0, w);
}

torch::Tensor TeSGImpl::fuse(const torch::Tensor& vi, const torch::Tensor& ir,
                             const torch::Tensor& mask, const torch::Tensor& ft) {
  torch::Tensor fv, fi, fvi, fiv;
  if (options.mgca()) {
    // The whole image and its foreground / background go through the same encoder.
    const auto mask_bar = 1 - mask;
    const auto v = encode_regions(encoder_vi, vi, mask, mask_bar);
    const auto i = encode_regions(encoder_ir, ir, mask, mask_bar);
    fv = v[0], fi = i[0];
    std::tie(fvi, fiv) = mgca(v[1], v[2], i[1], i[2]);
  } else {
    fv = encoder_vi(vi), fi = encoder_ir(ir);
    fvi = ca_vi(fv, fi), fiv = ca_iv(fi, fv);  // ablation: CA on whole-image features
  }
  torch::Tensor text = ft;
  if (options.tivr() && !text.defined()) text = null_text.expand({vi.size(0), -1, -1});
  const auto out = decoder(tdaf(fv, fi, fvi, fiv, text));
  if (options.base() == "none") return out;
  return (base_image(options.base(), vi, ir) + out).clamp(0, 1);
}

}  // namespace tesg::nn

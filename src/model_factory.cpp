#include "tesg/model_factory.h"

namespace tesg {

nn::TeSGOptions model_options(const ModelConfig& c) {
  return nn::TeSGOptions()
      .channels(c.channels)
      .heads(c.heads)
      .blocks(c.blocks)
      .ffn_factor(c.ffn_factor)
      .text_dim(c.text_dim)
      .text_attn_dim(c.text_attn_dim)
      .text_heads(c.text_heads)
      .null_text_tokens(c.null_text_tokens)
      .mgca(c.mgca)
      .tivr(c.tivr)
      .gaf(c.gaf)
      .pad_multiple(c.pad_multiple)
      .base(c.base);
}

nn::FusionLossOptions loss_options(const LossConfig& c) {
  return nn::FusionLossOptions()
      .intensity(c.intensity)
      .ssim_vi(c.ssim_vi)
      .ssim_ir(c.ssim_ir)
      .color(c.color)
      .grad(c.grad)
      .qabf(c.qabf)
      .vif(c.vif)
      .ssim_window(c.ssim_window)
      .ssim_sigma(c.ssim_sigma);
}

}  // namespace tesg

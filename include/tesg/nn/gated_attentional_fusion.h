#pragma once
#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

namespace tesg::nn {

/// Options for GatedAttentionalFusion.
struct GatedAttentionalFusionOptions {
  explicit GatedAttentionalFusionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);  ///< C of each modality; Fr has 2C
};

/// Gated Attentional Fusion (GAF, Sec. 3.4, Eqs. 8-10): modality gates Gv, Gi and a spatial
/// weight alpha from Fr fuse the two modalities. fv, fi, fvi, fiv [B,C,H,W], fr [B,2C,H,W]
/// -> F [B,C,H,W].
class GatedAttentionalFusionImpl : public torch::nn::Cloneable<GatedAttentionalFusionImpl> {
 public:
  explicit GatedAttentionalFusionImpl(GatedAttentionalFusionOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& fv, const torch::Tensor& fi, const torch::Tensor& fvi,
                        const torch::Tensor& fiv, const torch::Tensor& fr);

  GatedAttentionalFusionOptions options;
  torch::nn::Conv2d w_v{nullptr}, w_i{nullptr};               ///< gate convolutions (Eq. 8)
  torch::nn::Conv2d sa_hidden{nullptr}, sa_out{nullptr};      ///< Phi_SA, the MLP of Eq. 9
};
TORCH_MODULE(GatedAttentionalFusion);

}  // namespace tesg::nn

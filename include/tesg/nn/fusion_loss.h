#pragma once
#include <ATen/core/Tensor.h>
#include <torch/arg.h>

namespace tesg::nn {

/// Options for fusion_loss(): weights of the terms (Text-IF's recipe) and the SSIM window.
struct FusionLossOptions {
  TORCH_ARG(double, intensity) = 4.0;
  TORCH_ARG(double, ssim_vi) = 1.0;
  TORCH_ARG(double, ssim_ir) = 1.0;
  TORCH_ARG(double, color) = 12.0;
  TORCH_ARG(double, grad) = 10.0;
  TORCH_ARG(double, qabf) = 0.0;  ///< L_qabf, not in Text-IF's recipe
  TORCH_ARG(double, vif) = 0.0;   ///< L_vif, not in Text-IF's recipe
  TORCH_ARG(int64_t, ssim_window) = 48;
  TORCH_ARG(double, ssim_sigma) = 1.5;
};

/// Every term of the fusion loss, unweighted, and their weighted total (all scalar tensors).
struct FusionLossTerms {
  torch::Tensor total;
  torch::Tensor intensity;  ///< L_int
  torch::Tensor ssim_vi;    ///< 1 - SSIM(vi, F)
  torch::Tensor ssim_ir;    ///< 1 - SSIM(ir, gray(F))
  torch::Tensor color;      ///< L_color
  torch::Tensor grad;       ///< L_grad
  torch::Tensor qabf;       ///< L_qabf = 1 - Qabf (0 unless weighted)
  torch::Tensor vif;        ///< L_vif = 1 - (VIF(ir,F) + VIF(vi,F)) / 2 (0 unless weighted)
};

/// L_int: per pixel the brighter source by channel mean (ir replicated to RGB), L1 to F.
/// fused, vi [B,3,H,W]; ir [B,1,H,W].
torch::Tensor intensity_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                             const torch::Tensor& ir);

/// L_color: L1 between the Cb, Cr planes (BT.601, no offset) of vi and F.
torch::Tensor color_loss(const torch::Tensor& fused, const torch::Tensor& vi);

/// L_grad: Sobel x and y (replicate padding) on luma; per direction L1 between |dF| and
/// max(|dVi|, |dIr|), summed over the two directions.
torch::Tensor gradient_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                            const torch::Tensor& ir);

enum class MetricLoss { kQabf, kVif };

/// L_qabf = 1 - Qabf, L_vif = 1 - VIF / 2: the evaluator's metrics (metric_losses.h) of gray(F)
/// against ir and gray(vi) on the 0..255 scale, averaged over the batch; differentiable in F.
/// Qabf without the 1-pixel frame (a crop's border is not the image's).
torch::Tensor metric_loss(MetricLoss metric, const torch::Tensor& fused, const torch::Tensor& vi,
                          const torch::Tensor& ir);

/// L = w_int L_int + w_vi (1 - SSIM(vi, F)) + w_ir (1 - SSIM(ir, gray F)) + w_c L_color
///     + w_g L_grad (DESIGN.md, Losses) + w_q L_qabf + w_v L_vif.
FusionLossTerms fusion_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                            const torch::Tensor& ir, const FusionLossOptions& options = {});

}  // namespace tesg::nn

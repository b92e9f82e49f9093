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
  TORCH_ARG(double, edge) = 0.0;  ///< L_edge, not in Text-IF's recipe
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
  torch::Tensor edge;       ///< L_edge (0 unless weighted)
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

/// L_edge: per pixel, the Sobel gradient (x and y, signed) of gray(F) L1 to that of the source
/// whose gradient is stronger there: the strongest edge is transferred with its direction (what
/// Qabf scores), where L_grad matches magnitudes only.
torch::Tensor edge_transfer_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                                 const torch::Tensor& ir);

/// L = w_int L_int + w_vi (1 - SSIM(vi, F)) + w_ir (1 - SSIM(ir, gray F)) + w_c L_color
///     + w_g L_grad (DESIGN.md, Losses) + w_e L_edge.
FusionLossTerms fusion_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                            const torch::Tensor& ir, const FusionLossOptions& options = {});

}  // namespace tesg::nn

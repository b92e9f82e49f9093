#include "tesg/nn/fusion_loss.h"

#include <torch/torch.h>

#include "tesg/nn/color.h"
#include "tesg/nn/metric_losses.h"
#include "tesg/nn/ssim.h"

namespace tesg::nn {
namespace {

// |Sobel| responses of a [B,1,H,W] image in x and y, replicate padding: {[B,1,H,W], [B,1,H,W]}.
std::pair<torch::Tensor, torch::Tensor> sobel_magnitudes(const torch::Tensor& gray) {
  const auto kx = torch::tensor({-1.f, 0.f, 1.f, -2.f, 0.f, 2.f, -1.f, 0.f, 1.f}, gray.options())
                      .view({1, 1, 3, 3});
  const auto ky = kx.transpose(2, 3).contiguous();
  const auto padded = torch::replication_pad2d(gray, {1, 1, 1, 1});
  return {torch::conv2d(padded, kx).abs(), torch::conv2d(padded, ky).abs()};
}

}  // namespace

torch::Tensor intensity_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                             const torch::Tensor& ir) {
  const auto ir_rgb = ir.expand_as(vi);
  const auto vi_brighter = vi.mean(1, /*keepdim=*/true) >= ir;
  return torch::l1_loss(fused, torch::where(vi_brighter, vi, ir_rgb));
}

torch::Tensor color_loss(const torch::Tensor& fused, const torch::Tensor& vi) {
  return torch::l1_loss(rgb_to_cbcr(fused), rgb_to_cbcr(vi));
}

torch::Tensor gradient_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                            const torch::Tensor& ir) {
  const auto [fx, fy] = sobel_magnitudes(rgb_to_gray(fused));
  const auto [vx, vy] = sobel_magnitudes(rgb_to_gray(vi));
  const auto [ix, iy] = sobel_magnitudes(ir);
  return torch::l1_loss(fx, torch::max(vx, ix)) + torch::l1_loss(fy, torch::max(vy, iy));
}

torch::Tensor metric_loss(MetricLoss metric, const torch::Tensor& fused, const torch::Tensor& vi,
                          const torch::Tensor& ir) {
  constexpr double kScale = 255;  // the evaluator's 0..255 gray images
  const auto f = rgb_to_gray(fused) * kScale, b = rgb_to_gray(vi) * kScale, a = ir * kScale;
  if (metric == MetricLoss::kQabf) {  // a training crop's frame is not an image frame
    return (1 - qabf_score(f, a, b, /*with_frame=*/false).mean()).to(fused.scalar_type());
  }
  return (1 - vif_score(f, a, b).mean() / 2).to(fused.scalar_type());  // VIF sums two sources
}

FusionLossTerms fusion_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                            const torch::Tensor& ir, const FusionLossOptions& options) {
  const auto window = SSIMOptions().window(options.ssim_window()).sigma(options.ssim_sigma());
  FusionLossTerms t;
  t.intensity = intensity_loss(fused, vi, ir);
  t.ssim_vi = 1 - ssim(vi, fused, window);
  t.ssim_ir = 1 - ssim(ir, rgb_to_gray(fused), window);
  t.color = color_loss(fused, vi);
  t.grad = gradient_loss(fused, vi, ir);
  t.total = options.intensity() * t.intensity + options.ssim_vi() * t.ssim_vi +
            options.ssim_ir() * t.ssim_ir + options.color() * t.color + options.grad() * t.grad;
  // Not in the paper's recipe: computed only when weighted.
  const auto zero = torch::zeros({}, fused.options());
  t.qabf = options.qabf() > 0 ? metric_loss(MetricLoss::kQabf, fused, vi, ir) : zero;
  t.vif = options.vif() > 0 ? metric_loss(MetricLoss::kVif, fused, vi, ir) : zero;
  t.total = t.total + options.qabf() * t.qabf + options.vif() * t.vif;
  return t;
}

}  // namespace tesg::nn

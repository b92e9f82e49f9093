#include "tesg/nn/fusion_loss.h"

#include <torch/torch.h>

#include "tesg/nn/color.h"
#include "tesg/nn/ssim.h"

namespace tesg::nn {
namespace {

// Sobel responses of a [B,1,H,W] image in x and y, replicate padding: {[B,1,H,W], [B,1,H,W]}.
std::pair<torch::Tensor, torch::Tensor> sobel(const torch::Tensor& gray) {
  const auto kx = torch::tensor({-1.f, 0.f, 1.f, -2.f, 0.f, 2.f, -1.f, 0.f, 1.f}, gray.options())
                      .view({1, 1, 3, 3});
  const auto ky = kx.transpose(2, 3).contiguous();
  const auto padded = torch::replication_pad2d(gray, {1, 1, 1, 1});
  return {torch::conv2d(padded, kx), torch::conv2d(padded, ky)};
}

std::pair<torch::Tensor, torch::Tensor> sobel_magnitudes(const torch::Tensor& gray) {
  const auto [x, y] = sobel(gray);
  return {x.abs(), y.abs()};
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

torch::Tensor edge_transfer_loss(const torch::Tensor& fused, const torch::Tensor& vi,
                                 const torch::Tensor& ir) {
  const auto [fx, fy] = sobel(rgb_to_gray(fused));
  const auto [vx, vy] = sobel(rgb_to_gray(vi));
  const auto [ix, iy] = sobel(ir);
  const auto vi_stronger = vx * vx + vy * vy >= ix * ix + iy * iy;
  return torch::l1_loss(fx, torch::where(vi_stronger, vx, ix)) + torch::l1_loss(fy, torch::where(vi_stronger, vy, iy));
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
  if (options.edge() > 0) {  // not in the paper's recipe: computed only when weighted
    t.edge = edge_transfer_loss(fused, vi, ir);
    t.total = t.total + options.edge() * t.edge;
  } else {
    t.edge = torch::zeros({}, fused.options());
  }
  return t;
}

}  // namespace tesg::nn

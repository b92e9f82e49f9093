#include "tesg/nn/metric_losses.h"

#include <cmath>

#include <torch/torch.h>

#include "tesg/metrics/metric_constants.h"

namespace tesg::nn {
namespace {

using metrics::kVifEps;
using metrics::kVifNoiseVariance;
using metrics::kVifScales;
using metrics::QabfConstants;

constexpr double kHalfPi = M_PI / 2;

// num / den, and `fallback` where den is 0 (nothing to measure: flat sources), with a finite
// gradient there too (a plain where over num / den would pass 0 * NaN = NaN back).
torch::Tensor ratio_or(const torch::Tensor& num, const torch::Tensor& den, double fallback) {
  const auto empty = den == 0;
  return torch::where(empty, torch::full_like(num, fallback),
                      num / torch::where(empty, torch::ones_like(den), den));
}

// ---- Qabf (METRICS.md 2.11) --------------------------------------------------------------------

struct Edges {
  torch::Tensor g, alpha;  ///< strength and orientation, [B,1,H,W]
};

// Zero-padded Sobel: x = left - right, y = up - down (as metrics::FusionTriple), strength
// sqrt(x^2 + y^2) and orientation atan(-y / x), pi/2 where x = 0. Gradients stay finite where
// the strength or x is 0.
Edges qabf_edges(const torch::Tensor& gray, bool with_frame) {
  const auto kx = torch::tensor({1., 0., -1., 2., 0., -2., 1., 0., -1.}, gray.options())
                      .view({1, 1, 3, 3});
  const auto ky = kx.transpose(2, 3).contiguous();
  const int64_t padding = with_frame ? 1 : 0;  // 0: only the pixels with all 8 neighbours
  const auto x = torch::conv2d(gray, kx, {}, 1, padding), y = torch::conv2d(gray, ky, {}, 1, padding);
  const auto g2 = x * x + y * y;
  const auto flat = g2 == 0;
  const auto g = torch::where(flat, torch::zeros_like(g2), torch::where(flat, torch::ones_like(g2), g2).sqrt());
  const auto vertical = x == 0;
  auto alpha = torch::atan2(-y, torch::where(vertical, torch::ones_like(x), x));  // (-pi, pi]
  alpha = torch::where(alpha > kHalfPi, alpha - M_PI, alpha);                     // atan's range
  alpha = torch::where(alpha < -kHalfPi, alpha + M_PI, alpha);
  alpha = torch::where(vertical, torch::full_like(alpha, kHalfPi), alpha);
  return {g, alpha};
}

// Q_XF per pixel; equal strengths give G = gF (the MATLAB quirk kept upstream).
torch::Tensor qabf_map(const Edges& source, const Edges& fused) {
  using C = QabfConstants;
  const auto &gx = source.g, &gf = fused.g;
  const auto source_stronger = gx > gf, fused_stronger = gx < gf;
  const auto strength = torch::where(
      source_stronger, gf / torch::where(source_stronger, gx, torch::ones_like(gx)),
      torch::where(fused_stronger, gx / torch::where(fused_stronger, gf, torch::ones_like(gf)), gf));
  const auto orientation = 1 - (source.alpha - fused.alpha).abs() / kHalfPi;
  const auto q_g = C::kTg / (1 + torch::exp(C::kKg * (strength - C::kDg)));
  const auto q_a = C::kTa / (1 + torch::exp(C::kKa * (orientation - C::kDa)));
  return q_g * q_a;
}

// ---- VIF (METRICS.md 2.9) ----------------------------------------------------------------------

// The scale's Gaussian window (fspecial: size n, sigma n/5, normalised), [1,1,n,n].
torch::Tensor vif_window(int64_t n, const torch::TensorOptions& options) {
  const auto d = torch::arange(n, options) - static_cast<double>(n - 1) / 2;
  const auto g = torch::exp(-d * d / (2 * std::pow(static_cast<double>(n) / 5.0, 2)));
  const auto w = g.view({n, 1}) * g.view({1, n});
  return (w / w.sum()).view({1, 1, n, n});
}

// Sums over pixels of log10(1 + g^2 s1 / (sv + sigma_n^2)) (numerator) and
// log10(1 + s1 / sigma_n^2) (denominator) for one scale; [B] each.
std::pair<torch::Tensor, torch::Tensor> vif_scale_terms(const torch::Tensor& ref,
                                                        const torch::Tensor& dist,
                                                        const torch::Tensor& win) {
  const auto filt = [&](const torch::Tensor& t) { return torch::conv2d(t, win); };
  const auto mu1 = filt(ref), mu2 = filt(dist);
  auto s1 = (filt(ref * ref) - mu1 * mu1).clamp_min(0);
  const auto s2 = (filt(dist * dist) - mu2 * mu2).clamp_min(0);
  const auto s12 = filt(ref * dist) - mu1 * mu2;
  auto g = s12 / (s1 + kVifEps);
  auto sv = s2 - g * s12;
  const auto zero = torch::zeros_like(g);
  const auto flat_ref = s1 < kVifEps;
  g = torch::where(flat_ref, zero, g), sv = torch::where(flat_ref, s2, sv);
  s1 = torch::where(flat_ref, zero, s1);
  const auto flat_dist = s2 < kVifEps;
  g = torch::where(flat_dist, zero, g), sv = torch::where(flat_dist, zero, sv);
  const auto negative = g < 0;
  sv = torch::where(negative, s2, sv), g = torch::where(negative, zero, g);
  sv = sv.clamp_min(kVifEps);
  const auto num = torch::log10(1 + g * g * s1 / (sv + kVifNoiseVariance)).sum({1, 2, 3});
  const auto den = torch::log10(1 + s1 / kVifNoiseVariance).sum({1, 2, 3});
  return {num, den};
}

torch::Tensor vif_pair(torch::Tensor ref, torch::Tensor dist) {
  auto num = torch::zeros({ref.size(0)}, ref.options()), den = num.clone();
  for (int scale = 1; scale <= kVifScales; ++scale) {
    const int64_t n = metrics::vif_window_size(scale);
    const auto win = vif_window(n, ref.options());
    if (scale > 1) {
      const auto decimate = [&](const torch::Tensor& t) {
        return torch::conv2d(t, win).slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2);
      };
      ref = decimate(ref), dist = decimate(dist);
    }
    if (ref.size(2) < n || ref.size(3) < n) break;  // too small for this scale
    const auto [scale_num, scale_den] = vif_scale_terms(ref, dist, win);
    num = num + scale_num, den = den + scale_den;
  }
  return ratio_or(num, den, 1.0);  // the metric's NaN -> 1
}

torch::Tensor as_double(const torch::Tensor& t) { return t.to(torch::kFloat64); }

}  // namespace

QabfMaps qabf_maps(const torch::Tensor& fused, const torch::Tensor& ir, const torch::Tensor& vi,
                   bool with_frame) {
  const auto a = qabf_edges(as_double(ir), with_frame), b = qabf_edges(as_double(vi), with_frame);
  const auto f = qabf_edges(as_double(fused), with_frame);
  return {qabf_map(a, f) * a.g + qabf_map(b, f) * b.g, a.g + b.g};
}

torch::Tensor qabf_score(const torch::Tensor& fused, const torch::Tensor& ir,
                         const torch::Tensor& vi, bool with_frame) {
  const auto maps = qabf_maps(fused, ir, vi, with_frame);
  return ratio_or(maps.preserved.sum({1, 2, 3}), maps.weight.sum({1, 2, 3}), 1.0);
}

torch::Tensor vif_score(const torch::Tensor& fused, const torch::Tensor& ir,
                        const torch::Tensor& vi) {
  const auto f = as_double(fused);
  return vif_pair(as_double(ir), f) + vif_pair(as_double(vi), f);
}

}  // namespace tesg::nn

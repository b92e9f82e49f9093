// Gradient-based metrics: Qabf (Xydeas-Petrovic) and Nabf (Shreyamsha Kumar), METRICS.md
// 2.11-2.12.
#include <cmath>

#include "tesg/metrics/fusion_metrics.h"
#include "tesg/metrics/metric_constants.h"

namespace tesg::metrics {
namespace {

struct NabfConstants {  // the analysis_nabf parameters
  static constexpr double kTd = 2, kLg = 1.5;
  static constexpr double kNrg = 0.9999, kKg = 19, kSigmaG = 0.5;
  static constexpr double kNra = 0.9995, kKa = 22, kSigmaA = 0.5;
};

// Orientation of Qabf: CDDFuse convolves with h3 (sx = x) and h1 = [[1,2,1],[0,0,0],[-1,-2,-1]]
// (sy = -y). The sign of sy/sx matters where sx = 0 pins alpha to +pi/2.
double qabf_orientation(double x, double y) { return x == 0 ? M_PI / 2 : std::atan(-y / x); }

// Orientation of Nabf: gv = x (vtemp), gh = y (htemp); atan(gv / +0) is +-pi/2 by the sign of
// gv, as numpy's division.
double nabf_orientation(double gv, double gh) {
  return (gv == 0 && gh == 0) ? 0.0 : std::atan(gv / gh);
}

// Q_XF of Qabf at one pixel; equal strengths give G = gF (the MATLAB quirk kept upstream).
double qabf_pixel(double g_x, double a_x, double g_f, double a_f) {
  using C = QabfConstants;
  const double strength = g_x > g_f ? g_f / g_x : (g_x == g_f ? g_f : g_x / g_f);
  const double orientation = 1 - std::abs(a_x - a_f) / (M_PI / 2);
  const double q_g = C::kTg / (1 + std::exp(C::kKg * (strength - C::kDg)));
  const double q_a = C::kTa / (1 + std::exp(C::kKa * (orientation - C::kDa)));
  return q_g * q_a;
}

// Q_XF of Nabf at one pixel.
double nabf_pixel(double g_x, double a_x, double g_f, double a_f) {
  using C = NabfConstants;
  const double strength = (g_x == 0 || g_f == 0) ? 0 : (g_x > g_f ? g_f / g_x : g_x / g_f);
  const double orientation = std::abs(std::abs(a_x - a_f) - M_PI / 2) * 2 / M_PI;
  const double q_g = C::kNrg / (1 + std::exp(-C::kKg * (strength - C::kSigmaG)));
  const double q_a = C::kNra / (1 + std::exp(-C::kKa * (orientation - C::kSigmaA)));
  return std::sqrt(q_g * q_a);
}

}  // namespace

// Orientations (atan) are computed only where the term they enter has a non-zero weight.
double qabf(FusionTriple& t) {
  const auto& a = t.qabf_edges(FusionTriple::kIr);
  const auto& b = t.qabf_edges(FusionTriple::kVi);
  const auto& f = t.qabf_edges(FusionTriple::kFused);
  double numerator = 0, denominator = 0;
  for (size_t i = 0; i < f.g.size(); ++i) {
    denominator += a.g[i] + b.g[i];
    if (a.g[i] == 0 && b.g[i] == 0) continue;  // both terms are Q * 0
    const double a_f = qabf_orientation(f.x[i], f.y[i]);
    if (a.g[i] > 0) {
      numerator += qabf_pixel(a.g[i], qabf_orientation(a.x[i], a.y[i]), f.g[i], a_f) * a.g[i];
    }
    if (b.g[i] > 0) {
      numerator += qabf_pixel(b.g[i], qabf_orientation(b.x[i], b.y[i]), f.g[i], a_f) * b.g[i];
    }
  }
  return numerator / denominator;
}

double nabf(FusionTriple& t, bool matlab_variant) {
  using C = NabfConstants;
  const auto& a = t.nabf_edges(FusionTriple::kIr);
  const auto& b = t.nabf_edges(FusionTriple::kVi);
  const auto& f = t.nabf_edges(FusionTriple::kFused);
  auto q = [&](const FusionTriple::Edges& x, size_t i) {
    return nabf_pixel(x.g[i], nabf_orientation(x.x[i], x.y[i]), f.g[i],
                      nabf_orientation(f.x[i], f.y[i]));
  };
  double artifacts = 0, weights = 0;
  for (size_t i = 0; i < f.g.size(); ++i) {
    const bool artifact = f.g[i] > a.g[i] && f.g[i] > b.g[i];
    if (matlab_variant) {  // 0..1 images: every weight is wt_min, so they cancel
      if (artifact) artifacts += 2 - q(a, i) - q(b, i);
      continue;
    }
    const double w_a = a.g[i] >= C::kTd ? std::pow(a.g[i], C::kLg) : 0;
    const double w_b = b.g[i] >= C::kTd ? std::pow(b.g[i], C::kLg) : 0;
    weights += w_a + w_b;
    if (!artifact) continue;
    if (w_a > 0) artifacts += (1 - q(a, i)) * w_a;
    if (w_b > 0) artifacts += (1 - q(b, i)) * w_b;
  }
  if (matlab_variant) return artifacts / (2.0 * static_cast<double>(f.g.size()));
  return artifacts / weights;
}

}  // namespace tesg::metrics

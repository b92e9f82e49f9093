// Gradient-based metrics: Qabf (Xydeas-Petrovic) and Nabf (Shreyamsha Kumar), METRICS.md
// 2.11-2.12.
#include <cmath>

#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {
namespace {

struct QabfConstants {  // the MATLAB analysis_Qabf parameters
  static constexpr double kTg = 0.9994, kKg = -15, kDg = 0.5;
  static constexpr double kTa = 0.9879, kKa = -22, kDa = 0.8;
};

struct NabfConstants {  // the analysis_nabf parameters
  static constexpr double kTd = 2, kLg = 1.5;
  static constexpr double kNrg = 0.9999, kKg = 19, kSigmaG = 0.5;
  static constexpr double kNra = 0.9995, kKa = 22, kSigmaA = 0.5;
};

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

double qabf(FusionTriple& t) {
  const auto& a = t.qabf_edges(FusionTriple::kIr);
  const auto& b = t.qabf_edges(FusionTriple::kVi);
  const auto& f = t.qabf_edges(FusionTriple::kFused);
  double numerator = 0, denominator = 0;
  for (size_t i = 0; i < f.g.size(); ++i) {
    numerator += qabf_pixel(a.g[i], a.alpha[i], f.g[i], f.alpha[i]) * a.g[i] +
                 qabf_pixel(b.g[i], b.alpha[i], f.g[i], f.alpha[i]) * b.g[i];
    denominator += a.g[i] + b.g[i];
  }
  return numerator / denominator;
}

double nabf(FusionTriple& t, bool matlab_variant) {
  using C = NabfConstants;
  const auto& a = t.nabf_edges(FusionTriple::kIr);
  const auto& b = t.nabf_edges(FusionTriple::kVi);
  const auto& f = t.nabf_edges(FusionTriple::kFused);
  double artifacts = 0, weights = 0;
  for (size_t i = 0; i < f.g.size(); ++i) {
    const bool artifact = f.g[i] > a.g[i] && f.g[i] > b.g[i];
    if (matlab_variant) {  // 0..1 images: every weight is wt_min, so they cancel
      if (artifact) {
        artifacts += 2 - nabf_pixel(a.g[i], a.alpha[i], f.g[i], f.alpha[i]) -
                     nabf_pixel(b.g[i], b.alpha[i], f.g[i], f.alpha[i]);
      }
      continue;
    }
    const double w_a = a.g[i] >= C::kTd ? std::pow(a.g[i], C::kLg) : 0;
    const double w_b = b.g[i] >= C::kTd ? std::pow(b.g[i], C::kLg) : 0;
    weights += w_a + w_b;
    if (artifact) {
      artifacts += (1 - nabf_pixel(a.g[i], a.alpha[i], f.g[i], f.alpha[i])) * w_a +
                   (1 - nabf_pixel(b.g[i], b.alpha[i], f.g[i], f.alpha[i])) * w_b;
    }
  }
  if (matlab_variant) return artifacts / (2.0 * static_cast<double>(f.g.size()));
  return artifacts / weights;
}

}  // namespace tesg::metrics

// Histogram and moment metrics: EN, SD, SF, AG, MI, SCD, CC, MSE, PSNR (METRICS.md 2.1-2.8).
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {
namespace {

using Plane = std::vector<double>;

double mean(const Plane& x) {
  double s = 0;
  for (const double v : x) s += v;
  return s / static_cast<double>(x.size());
}

// Pearson correlation of x and (y - z), or of x and y when z is null.
double pearson(const Plane& x, const Plane& y, const Plane* z = nullptr) {
  const size_t n = x.size();
  auto yz = [&](size_t i) { return z ? y[i] - (*z)[i] : y[i]; };
  double my = 0;
  for (size_t i = 0; i < n; ++i) my += yz(i);
  my /= static_cast<double>(n);
  const double mx = mean(x);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = yz(i) - my;
    sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
  }
  return sxy / std::sqrt(sxx * syy);
}

// sklearn.metrics.mutual_info_score of two 0..255 label images, in nats.
double mutual_information(const Plane& a, const Plane& b) {
  std::vector<int64_t> joint(256 * 256, 0);
  std::array<int64_t, 256> pa{}, pb{};
  for (size_t i = 0; i < a.size(); ++i) {
    const auto ia = static_cast<size_t>(a[i]), ib = static_cast<size_t>(b[i]);
    ++joint[ia * 256 + ib], ++pa[ia], ++pb[ib];
  }
  const double n = static_cast<double>(a.size()), log_n = std::log(n);
  double mi = 0;
  for (size_t i = 0; i < 256; ++i) {
    for (size_t j = 0; j < 256; ++j) {
      const int64_t c = joint[i * 256 + j];
      if (c == 0) continue;
      const double p = static_cast<double>(c) / n;
      const double log_outer = -std::log(static_cast<double>(pa[i] * pb[j])) + 2 * log_n;
      const double term = p * (std::log(static_cast<double>(c)) - log_n) + p * log_outer;
      if (std::abs(term) >= DBL_EPSILON) mi += term;
    }
  }
  return std::max(0.0, mi);
}

double mse_to(const Plane& x, const Plane& f) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += (x[i] - f[i]) * (x[i] - f[i]);
  return s / static_cast<double>(x.size());
}

// np.gradient along one axis: central differences inside, one-sided at the two ends.
double gradient(const Plane& p, int64_t w, int64_t h, int64_t r, int64_t c, bool along_rows) {
  const int64_t n = along_rows ? w : h, i = along_rows ? c : r;
  auto at = [&](int64_t k) {
    return along_rows ? p[static_cast<size_t>(r * w + k)] : p[static_cast<size_t>(k * w + c)];
  };
  if (i == 0) return at(1) - at(0);
  if (i == n - 1) return at(n - 1) - at(n - 2);
  return (at(i + 1) - at(i - 1)) / 2;
}

}  // namespace

double entropy(FusionTriple& t) {
  double en = 0;
  for (const double p : t.histogram(FusionTriple::kFused)) {
    if (p > 0) en -= p * std::log2(p);
  }
  return en;
}

double standard_deviation(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  const double m = mean(f);
  double s = 0;
  for (const double v : f) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(f.size()));
}

double spatial_frequency(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  const int64_t h = t.height(), w = t.width();
  double rf = 0, cf = 0;
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      const double v = f[static_cast<size_t>(r * w + c)];
      if (c + 1 < w) rf += std::pow(f[static_cast<size_t>(r * w + c + 1)] - v, 2);
      if (r + 1 < h) cf += std::pow(f[static_cast<size_t>((r + 1) * w + c)] - v, 2);
    }
  }
  rf /= static_cast<double>(h * (w - 1));
  cf /= static_cast<double>((h - 1) * w);
  return std::sqrt(rf + cf);
}

double average_gradient(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  const int64_t h = t.height(), w = t.width();
  double s = 0;
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      const double gx = gradient(f, w, h, r, c, true), gy = gradient(f, w, h, r, c, false);
      s += std::sqrt((gx * gx + gy * gy) / 2);
    }
  }
  return s / static_cast<double>(h * w);
}

double mutual_information(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  return mutual_information(f, t.plane(FusionTriple::kIr)) +
         mutual_information(f, t.plane(FusionTriple::kVi));
}

double sum_of_correlations_of_differences(FusionTriple& t) {
  const auto &f = t.plane(FusionTriple::kFused), &a = t.plane(FusionTriple::kIr),
             &b = t.plane(FusionTriple::kVi);
  return pearson(a, f, &b) + pearson(b, f, &a);
}

double correlation_coefficient(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  return (pearson(t.plane(FusionTriple::kIr), f) + pearson(t.plane(FusionTriple::kVi), f)) / 2;
}

double mean_squared_error(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  return (mse_to(t.plane(FusionTriple::kIr), f) + mse_to(t.plane(FusionTriple::kVi), f)) / 2;
}

double peak_signal_to_noise_ratio(FusionTriple& t) {
  const auto& f = t.plane(FusionTriple::kFused);
  const double peak = *std::max_element(f.begin(), f.end());
  return 10 * std::log10(peak * peak / mean_squared_error(t));
}

}  // namespace tesg::metrics

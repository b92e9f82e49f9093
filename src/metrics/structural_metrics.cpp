// Window-based metrics: SSIM (skimage), VIF (vifp_mscale) and MS-SSIM (pytorch_msssim),
// METRICS.md 2.9, 2.10 and 2.13.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "tesg/metrics/fusion_metrics.h"
#include "tesg/metrics/metric_constants.h"

namespace tesg::metrics {
namespace {

// Leaves new elements uninitialised: every buffer below is fully written before it is read, and
// zero-filling megabytes per filter pass cost about a tenth of the metric time.
template <class T>
struct UninitialisedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <class U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <class T>
using Buffer = std::vector<T, UninitialisedAllocator<T>>;

struct Map {  // a row-major double image
  int64_t h = 0, w = 0;
  Buffer<double> v;
  double& at(int64_t r, int64_t c) { return v[static_cast<size_t>(r * w + c)]; }
  double at(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * w + c)]; }
};

Map to_map(const std::vector<double>& plane, int64_t h, int64_t w) {
  return {h, w, Buffer<double>(plane.begin(), plane.end())};
}

Map multiply(const Map& a, const Map& b) {
  Map out{a.h, a.w, Buffer<double>(a.v.size())};
  for (size_t i = 0; i < a.v.size(); ++i) out.v[i] = a.v[i] * b.v[i];
  return out;
}

// 'valid' separable filtering with a symmetric 1-D kernel along rows, then columns. Loops run
// along rows innermost (vectorisable); each output still sums its taps in kernel order.
// Built for AVX2 and for baseline x86-64 where the compiler can (resolved at load time).
#if defined(__x86_64__) && defined(__GNUC__)
#define TESG_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define TESG_VECTOR_CLONES
#endif

TESG_VECTOR_CLONES Map filter_valid(const Map& x, const std::vector<double>& k) {
  const int64_t n = static_cast<int64_t>(k.size());
  Map rows{x.h, x.w - n + 1, {}};
  rows.v.resize(static_cast<size_t>(rows.h * rows.w));
  for (int64_t r = 0; r < rows.h; ++r) {
    double* out = &rows.v[static_cast<size_t>(r * rows.w)];
    const double* in = &x.v[static_cast<size_t>(r * x.w)];
    for (int64_t c = 0; c < rows.w; ++c) out[c] = k[0] * in[c];
    for (int64_t j = 1; j < n; ++j) {
      const double kj = k[static_cast<size_t>(j)];
      for (int64_t c = 0; c < rows.w; ++c) out[c] += kj * in[c + j];
    }
  }
  Map out{x.h - n + 1, rows.w, {}};
  out.v.resize(static_cast<size_t>(out.h * out.w));
  for (int64_t r = 0; r < out.h; ++r) {
    double* o = &out.v[static_cast<size_t>(r * out.w)];
    for (int64_t c = 0; c < out.w; ++c) o[c] = k[0] * rows.v[static_cast<size_t>(r * rows.w + c)];
    for (int64_t i = 1; i < n; ++i) {
      const double ki = k[static_cast<size_t>(i)];
      const double* in = &rows.v[static_cast<size_t>((r + i) * rows.w)];
      for (int64_t c = 0; c < out.w; ++c) o[c] += ki * in[c];
    }
  }
  return out;
}

std::vector<double> gaussian(int64_t size, double sigma) {
  std::vector<double> g(static_cast<size_t>(size));
  double total = 0;
  for (int64_t i = 0; i < size; ++i) {
    const double d = static_cast<double>(i) - static_cast<double>(size - 1) / 2;
    total += g[static_cast<size_t>(i)] = std::exp(-d * d / (2 * sigma * sigma));
  }
  for (auto& v : g) v /= total;
  return g;
}

// ---- VIF -------------------------------------------------------------------------------------

Map decimate(const Map& x) {
  Map out{(x.h + 1) / 2, (x.w + 1) / 2, {}};
  out.v.resize(static_cast<size_t>(out.h * out.w));
  for (int64_t r = 0; r < out.h; ++r) {
    for (int64_t c = 0; c < out.w; ++c) out.at(r, c) = x.at(2 * r, 2 * c);
  }
  return out;
}

// One scale of the Gaussian pyramid of VIF: the image and its local moments.
struct VifScale {
  Map image, mu, e2;  ///< image, filt(image), filt(image^2)
};

// The four scales of an image (METRICS.md 2.9): scale s > 1 filters the previous image with
// this scale's window and keeps every second row and column.
std::vector<VifScale> vif_pyramid(Map image) {
  std::vector<VifScale> scales;
  for (int scale = 1; scale <= kVifScales; ++scale) {
    const int64_t n = vif_window_size(scale);
    // fspecial's eps*max cut-off removes nothing for these sizes: the window is separable.
    const auto win = gaussian(n, static_cast<double>(n) / 5.0);
    if (scale > 1) image = decimate(filter_valid(image, win));
    if (image.h < n || image.w < n) break;  // too small for this scale
    Map mu = filter_valid(image, win), e2 = filter_valid(multiply(image, image), win);
    scales.push_back({image, std::move(mu), std::move(e2)});
  }
  return scales;
}

// Sums log10(x_i) over many x_i >= 1 with one log10 per kProductTerms factors: (2^32)^8 stays far
// below the double range, and the product's rounding (~1e-15) is far below any reported digit.
class Log10Sum {
 public:
  void add(double x) {
    product_ *= x;
    if (++terms_ == kProductTerms) flush();
  }
  double total() {
    flush();
    return sum_;
  }

 private:
  static constexpr int kProductTerms = 8;
  void flush() {
    sum_ += std::log10(product_);
    product_ = 1, terms_ = 0;
  }
  double sum_ = 0, product_ = 1;
  int terms_ = 0;
};

double vif_pair(const std::vector<VifScale>& ref, const std::vector<VifScale>& dist) {
  Log10Sum num, den;
  for (size_t scale = 0; scale < ref.size(); ++scale) {
    const int64_t n = vif_window_size(static_cast<int>(scale) + 1);
    const auto win = gaussian(n, static_cast<double>(n) / 5.0);
    const auto &r = ref[scale], &d = dist[scale];
    const Map e12 = filter_valid(multiply(r.image, d.image), win);
    for (size_t i = 0; i < e12.v.size(); ++i) {
      const double mu1 = r.mu.v[i], mu2 = d.mu.v[i];
      double s1 = std::max(0.0, r.e2.v[i] - mu1 * mu1);
      const double s2 = std::max(0.0, d.e2.v[i] - mu2 * mu2);
      const double s12 = e12.v[i] - mu1 * mu2;
      double g = s12 / (s1 + kVifEps);
      double sv = s2 - g * s12;
      if (s1 < kVifEps) g = 0, sv = s2, s1 = 0;
      if (s2 < kVifEps) g = 0, sv = 0;
      if (g < 0) sv = s2, g = 0;
      if (sv <= kVifEps) sv = kVifEps;
      num.add(1 + g * g * s1 / (sv + kVifNoiseVariance));
      den.add(1 + s1 / kVifNoiseVariance);
    }
  }
  const double vif = num.total() / den.total();
  return std::isnan(vif) ? 1.0 : vif;
}

// ---- SSIM (skimage 0.19, float32 as the evaluator computes it) -------------------------------

constexpr int64_t kSsimWindow = 7;
constexpr double kK1 = 0.01, kK2 = 0.03;

// scipy's uniform_filter on float32: per axis (rows first) a mean in double, stored as float32.
// Only outputs at least 3 pixels from every border are produced (skimage crops the rest).
Buffer<float> box_mean(const Buffer<float>& x, int64_t h, int64_t w) {
  const int64_t r0 = kSsimWindow / 2;
  Buffer<float> vertical(x.size()), out(x.size());  // only the interior is written and read
  for (int64_t r = r0; r < h - r0; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      double s = 0;
      for (int64_t k = -r0; k <= r0; ++k) s += x[static_cast<size_t>((r + k) * w + c)];
      vertical[static_cast<size_t>(r * w + c)] = static_cast<float>(s / kSsimWindow);
    }
  }
  for (int64_t r = r0; r < h - r0; ++r) {
    for (int64_t c = r0; c < w - r0; ++c) {
      double s = 0;
      for (int64_t k = -r0; k <= r0; ++k) s += vertical[static_cast<size_t>(r * w + c + k)];
      out[static_cast<size_t>(r * w + c)] = static_cast<float>(s / kSsimWindow);
    }
  }
  return out;
}

double ssim_pair(const std::vector<double>& xd, const std::vector<double>& yd, int64_t h,
                 int64_t w, double data_range) {
  const int64_t r0 = kSsimWindow / 2;
  if (h < kSsimWindow || w < kSsimWindow) return std::numeric_limits<double>::quiet_NaN();
  Buffer<float> x(xd.begin(), xd.end()), y(yd.begin(), yd.end());
  Buffer<float> xx(x.size()), yy(x.size()), xy(x.size());
  for (size_t i = 0; i < x.size(); ++i) xx[i] = x[i] * x[i], yy[i] = y[i] * y[i], xy[i] = x[i] * y[i];
  const auto ux = box_mean(x, h, w), uy = box_mean(y, h, w);
  const auto uxx = box_mean(xx, h, w), uyy = box_mean(yy, h, w), uxy = box_mean(xy, h, w);
  constexpr double kSamples = kSsimWindow * kSsimWindow;
  const auto cov_norm = static_cast<float>(kSamples / (kSamples - 1));  // sample covariance
  const auto c1 = static_cast<float>((kK1 * data_range) * (kK1 * data_range));
  const auto c2 = static_cast<float>((kK2 * data_range) * (kK2 * data_range));
  double sum = 0;
  for (int64_t r = r0; r < h - r0; ++r) {
    for (int64_t c = r0; c < w - r0; ++c) {
      const size_t i = static_cast<size_t>(r * w + c);
      const float vx = cov_norm * (uxx[i] - ux[i] * ux[i]);
      const float vy = cov_norm * (uyy[i] - uy[i] * uy[i]);
      const float vxy = cov_norm * (uxy[i] - ux[i] * uy[i]);
      const float a1 = 2 * ux[i] * uy[i] + c1, a2 = 2 * vxy + c2;
      const float b1 = ux[i] * ux[i] + uy[i] * uy[i] + c1, b2 = vx + vy + c2;
      const float d = b1 * b2;
      sum += static_cast<double>((a1 * a2) / d);
    }
  }
  return sum / static_cast<double>((h - 2 * r0) * (w - 2 * r0));
}

// ---- MS-SSIM (pytorch_msssim) ---------------------------------------------------------------

constexpr double kMsWeights[] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
constexpr int64_t kMsWindow = 11;
constexpr double kMsSigma = 1.5;
constexpr int64_t kMsMinSide = 160;

// 2x2 average pooling with zero padding on both sides of an odd dimension (count_include_pad).
Map average_pool(const Map& x) {
  const int64_t ph = x.h % 2, pw = x.w % 2;
  Map out{(x.h + 2 * ph) / 2, (x.w + 2 * pw) / 2, {}};
  out.v.resize(static_cast<size_t>(out.h * out.w));
  auto at = [&](int64_t r, int64_t c) {
    return (r < 0 || c < 0 || r >= x.h || c >= x.w) ? 0.0 : x.at(r, c);
  };
  for (int64_t r = 0; r < out.h; ++r) {
    for (int64_t c = 0; c < out.w; ++c) {
      const int64_t r0 = 2 * r - ph, c0 = 2 * c - pw;
      out.at(r, c) = (at(r0, c0) + at(r0, c0 + 1) + at(r0 + 1, c0) + at(r0 + 1, c0 + 1)) / 4;
    }
  }
  return out;
}

double ms_ssim_pair(Map x, Map y, double data_range) {
  const auto win = gaussian(kMsWindow, kMsSigma);
  const double c1 = std::pow(kK1 * data_range, 2), c2 = std::pow(kK2 * data_range, 2);
  const int levels = static_cast<int>(std::size(kMsWeights));
  double result = 1;
  for (int level = 0; level < levels; ++level) {
    const Map mx = filter_valid(x, win), my = filter_valid(y, win);
    const Map exx = filter_valid(multiply(x, x), win), eyy = filter_valid(multiply(y, y), win);
    const Map exy = filter_valid(multiply(x, y), win);
    double ssim_sum = 0, cs_sum = 0;
    for (size_t i = 0; i < mx.v.size(); ++i) {
      const double m1 = mx.v[i], m2 = my.v[i];
      const double s1 = exx.v[i] - m1 * m1, s2 = eyy.v[i] - m2 * m2, s12 = exy.v[i] - m1 * m2;
      const double cs = (2 * s12 + c2) / (s1 + s2 + c2);
      cs_sum += cs;
      ssim_sum += (2 * m1 * m2 + c1) / (m1 * m1 + m2 * m2 + c1) * cs;
    }
    const double count = static_cast<double>(mx.v.size());
    const double value = std::max(0.0, (level < levels - 1 ? cs_sum : ssim_sum) / count);
    result *= std::pow(value, kMsWeights[level]);
    if (level < levels - 1) x = average_pool(x), y = average_pool(y);
  }
  return result;
}

}  // namespace

double visual_information_fidelity(FusionTriple& t) {
  const int64_t h = t.height(), w = t.width();
  const auto f = vif_pyramid(to_map(t.plane(FusionTriple::kFused), h, w));
  return vif_pair(vif_pyramid(to_map(t.plane(FusionTriple::kIr), h, w)), f) +
         vif_pair(vif_pyramid(to_map(t.plane(FusionTriple::kVi), h, w)), f);
}

double structural_similarity(FusionTriple& t, double data_range) {
  const int64_t h = t.height(), w = t.width();
  const auto& f = t.plane(FusionTriple::kFused);
  return ssim_pair(f, t.plane(FusionTriple::kIr), h, w, data_range) +
         ssim_pair(f, t.plane(FusionTriple::kVi), h, w, data_range);
}

double multi_scale_ssim(FusionTriple& t, double data_range) {
  const int64_t h = t.height(), w = t.width();
  if (std::min(h, w) <= kMsMinSide) return std::numeric_limits<double>::quiet_NaN();
  const Map f = to_map(t.plane(FusionTriple::kFused), h, w);
  return ms_ssim_pair(f, to_map(t.plane(FusionTriple::kIr), h, w), data_range) +
         ms_ssim_pair(f, to_map(t.plane(FusionTriple::kVi), h, w), data_range);
}

}  // namespace tesg::metrics

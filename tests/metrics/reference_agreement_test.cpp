// The metrics library against a second, deliberately plain implementation written here from
// METRICS.md: direct 2-D loops, double precision, no code shared with the library, on crops of
// real pairs. Double-precision metrics must agree to 1e-9 relative (only summation order
// differs); SSIM to 1e-3 relative, because the library reproduces the evaluator's float32
// arithmetic and this reference does not (METRICS.md 2.10 documents that float32 noise).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <opencv2/imgcodecs.hpp>

#include "support.h"
#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {
namespace {

using Plane = std::vector<std::vector<double>>;  // [row][col]

// Evaluator gray by the exact rational rule of METRICS.md section 1, from an 8-bit BGR file.
Plane read_gray_rule(const std::string& path, int top, int left, int h, int w) {
  const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  Plane p(h, std::vector<double>(w));
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      const auto px = bgr.at<cv::Vec3b>(top + r, left + c);
      const long num = 299L * px[2] + 587L * px[1] + 114L * px[0];
      long y = num / 1000;
      const long rem = num % 1000;
      if (rem > 500 || (rem == 500 && y % 2 == 1)) ++y;  // round half to even
      p[r][c] = static_cast<double>(y);
    }
  }
  return p;
}

GrayImage to_gray_image(const Plane& p) {
  GrayImage g{static_cast<int64_t>(p.size()), static_cast<int64_t>(p[0].size()), {}};
  for (const auto& row : p) {
    for (const double v : row) g.pixels.push_back(static_cast<uint8_t>(v));
  }
  return g;
}

double mean_of(const Plane& p) {
  double s = 0;
  for (const auto& row : p) for (const double v : row) s += v;
  return s / static_cast<double>(p.size() * p[0].size());
}

double corr(const Plane& x, const Plane& y) {
  const double mx = mean_of(x), my = mean_of(y);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t r = 0; r < x.size(); ++r) {
    for (size_t c = 0; c < x[0].size(); ++c) {
      sxy += (x[r][c] - mx) * (y[r][c] - my);
      sxx += (x[r][c] - mx) * (x[r][c] - mx);
      syy += (y[r][c] - my) * (y[r][c] - my);
    }
  }
  return sxy / std::sqrt(sxx * syy);
}

Plane minus(const Plane& x, const Plane& y) {
  Plane d = x;
  for (size_t r = 0; r < x.size(); ++r) for (size_t c = 0; c < x[0].size(); ++c) d[r][c] -= y[r][c];
  return d;
}

double mi(const Plane& x, const Plane& y) {
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> px, py;
  const double n = static_cast<double>(x.size() * x[0].size());
  for (size_t r = 0; r < x.size(); ++r) {
    for (size_t c = 0; c < x[0].size(); ++c) {
      const int a = static_cast<int>(x[r][c]), b = static_cast<int>(y[r][c]);
      joint[{a, b}] += 1 / n, px[a] += 1 / n, py[b] += 1 / n;
    }
  }
  double s = 0;
  for (const auto& [k, p] : joint) s += p * std::log(p / (px[k.first] * py[k.second]));
  return s;
}

// 2-D 'valid' correlation with a square window.
Plane conv_valid(const Plane& x, const Plane& k) {
  const size_t n = k.size(), h = x.size() - n + 1, w = x[0].size() - n + 1;
  Plane out(h, std::vector<double>(w, 0));
  for (size_t r = 0; r < h; ++r)
    for (size_t c = 0; c < w; ++c)
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) out[r][c] += k[i][j] * x[r + i][c + j];
  return out;
}

Plane product(const Plane& x, const Plane& y) {
  Plane p = x;
  for (size_t r = 0; r < x.size(); ++r) for (size_t c = 0; c < x[0].size(); ++c) p[r][c] *= y[r][c];
  return p;
}

double vif(Plane ref, Plane dist) {
  double num = 0, den = 0;
  for (int scale = 1; scale <= 4; ++scale) {
    const int n = (1 << (5 - scale)) + 1;
    const double sd = n / 5.0, m = (n - 1) / 2.0;
    Plane win(n, std::vector<double>(n));
    double peak = 0, total = 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        peak = std::max(peak, win[i][j] = std::exp(-((i - m) * (i - m) + (j - m) * (j - m)) / (2 * sd * sd)));
    for (auto& row : win)
      for (auto& v : row) total += (v = v < 2.220446049250313e-16 * peak ? 0 : v);
    for (auto& row : win) for (auto& v : row) v /= total;
    if (scale > 1) {
      auto shrink = [&](const Plane& x) {
        const Plane f = conv_valid(x, win);
        Plane d;
        for (size_t r = 0; r < f.size(); r += 2) {
          d.emplace_back();
          for (size_t c = 0; c < f[0].size(); c += 2) d.back().push_back(f[r][c]);
        }
        return d;
      };
      ref = shrink(ref), dist = shrink(dist);
    }
    const Plane mu1 = conv_valid(ref, win), mu2 = conv_valid(dist, win);
    const Plane e11 = conv_valid(product(ref, ref), win), e22 = conv_valid(product(dist, dist), win);
    const Plane e12 = conv_valid(product(ref, dist), win);
    for (size_t r = 0; r < mu1.size(); ++r) {
      for (size_t c = 0; c < mu1[0].size(); ++c) {
        double s1 = std::max(0.0, e11[r][c] - mu1[r][c] * mu1[r][c]);
        const double s2 = std::max(0.0, e22[r][c] - mu2[r][c] * mu2[r][c]);
        const double s12 = e12[r][c] - mu1[r][c] * mu2[r][c];
        double g = s12 / (s1 + 1e-10), sv = s2 - g * s12;
        if (s1 < 1e-10) { g = 0; sv = s2; s1 = 0; }
        if (s2 < 1e-10) { g = 0; sv = 0; }
        if (g < 0) { sv = s2; g = 0; }
        if (sv <= 1e-10) sv = 1e-10;
        num += std::log10(1 + g * g * s1 / (sv + 2));
        den += std::log10(1 + s1 / 2);
      }
    }
  }
  return num / den;
}

// Sobel by true convolution: kx = [[-1,0,1],[-2,0,2],[-1,0,1]], ky = [[1,2,1],[0,0,0],[-1,-2,-1]].
// `pad` maps an out-of-range index to a value.
template <class Pad>
void sobel(const Plane& x, Pad pad, Plane& sx, Plane& sy) {
  const int h = static_cast<int>(x.size()), w = static_cast<int>(x[0].size());
  const double kx[3][3] = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
  const double ky[3][3] = {{1, 2, 1}, {0, 0, 0}, {-1, -2, -1}};
  sx = sy = Plane(h, std::vector<double>(w, 0));
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {  // convolution: kernel index (i, j) meets pixel (r+1-i, c+1-j)
          const double v = pad(x, r + 1 - i, c + 1 - j);
          sx[r][c] += kx[i][j] * v, sy[r][c] += ky[i][j] * v;
        }
}

double qabf(const Plane& f, const Plane& a, const Plane& b) {
  auto zero = [](const Plane& x, int r, int c) {
    return (r < 0 || c < 0 || r >= static_cast<int>(x.size()) || c >= static_cast<int>(x[0].size())) ? 0.0 : x[r][c];
  };
  Plane sx[3], sy[3];
  const Plane* img[3] = {&f, &a, &b};
  for (int k = 0; k < 3; ++k) sobel(*img[k], zero, sx[k], sy[k]);
  double num = 0, den = 0;
  for (size_t r = 0; r < f.size(); ++r) {
    for (size_t c = 0; c < f[0].size(); ++c) {
      double g[3], al[3];
      for (int k = 0; k < 3; ++k) {
        g[k] = std::sqrt(sx[k][r][c] * sx[k][r][c] + sy[k][r][c] * sy[k][r][c]);
        al[k] = sx[k][r][c] == 0 ? M_PI / 2 : std::atan(sy[k][r][c] / sx[k][r][c]);
      }
      for (int k = 1; k < 3; ++k) {
        const double G = g[k] > g[0] ? g[0] / g[k] : (g[k] == g[0] ? g[0] : g[k] / g[0]);
        const double A = 1 - std::abs(al[k] - al[0]) / (M_PI / 2);
        num += 0.9994 / (1 + std::exp(-15 * (G - 0.5))) * 0.9879 / (1 + std::exp(-22 * (A - 0.8))) * g[k];
        den += g[k];
      }
    }
  }
  return num / den;
}

double nabf(const Plane& f, const Plane& a, const Plane& b) {
  auto mirror = [](const Plane& x, int r, int c) {
    const int h = static_cast<int>(x.size()), w = static_cast<int>(x[0].size());
    r = r < 0 ? -r : (r >= h ? 2 * h - 2 - r : r);
    c = c < 0 ? -c : (c >= w ? 2 * w - 2 - c : c);
    return x[r][c];
  };
  Plane gv[3], gh[3];
  const Plane* img[3] = {&f, &a, &b};
  for (int k = 0; k < 3; ++k) {
    Plane sx, sy;
    sobel(*img[k], mirror, sx, sy);
    gv[k] = sx, gh[k] = sy;  // vtemp is kx; htemp = [[-1,-2,-1],[0,0,0],[1,2,1]] = -ky
    for (auto& row : gh[k]) for (auto& v : row) v = -v / 8;
    for (auto& row : gv[k]) for (auto& v : row) v /= 8;
  }
  double art = 0, wsum = 0;
  for (size_t r = 0; r < f.size(); ++r) {
    for (size_t c = 0; c < f[0].size(); ++c) {
      double g[3], al[3];
      for (int k = 0; k < 3; ++k) {
        g[k] = std::sqrt(gh[k][r][c] * gh[k][r][c] + gv[k][r][c] * gv[k][r][c]);
        const double v = gv[k][r][c], hh = gh[k][r][c];
        al[k] = (v == 0 && hh == 0) ? 0 : (hh == 0 ? std::copysign(M_PI / 2, v) : std::atan(v / hh));
      }
      for (int k = 1; k < 3; ++k) {
        const double G = (g[k] == 0 || g[0] == 0) ? 0 : std::min(g[k], g[0]) / std::max(g[k], g[0]);
        const double A = std::abs(std::abs(al[k] - al[0]) - M_PI / 2) * 2 / M_PI;
        const double q = std::sqrt(0.9999 / (1 + std::exp(-19 * (G - 0.5))) * 0.9995 / (1 + std::exp(-22 * (A - 0.5))));
        const double wt = g[k] >= 2 ? std::pow(g[k], 1.5) : 0;
        wsum += wt;
        if (g[0] > g[1] && g[0] > g[2]) art += (1 - q) * wt;
      }
    }
  }
  return art / wsum;
}

double ssim(const Plane& x, const Plane& y) {  // skimage defaults, data_range 2, in double
  const double c1 = 0.02 * 0.02, c2 = 0.06 * 0.06;
  double s = 0;
  int n = 0;
  for (size_t r = 3; r + 3 < x.size(); ++r) {
    for (size_t c = 3; c + 3 < x[0].size(); ++c) {
      double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
      for (int i = -3; i <= 3; ++i)
        for (int j = -3; j <= 3; ++j) {
          const double a = x[r + i][c + j], b = y[r + i][c + j];
          mx += a / 49, my += b / 49, xx += a * a / 49, yy += b * b / 49, xy += a * b / 49;
        }
      const double vx = (xx - mx * mx) * 49 / 48, vy = (yy - my * my) * 49 / 48, vxy = (xy - mx * my) * 49 / 48;
      s += (2 * mx * my + c1) * (2 * vxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      ++n;
    }
  }
  return s / n;
}

std::map<std::string, double> reference_metrics(const Plane& f, const Plane& a, const Plane& b) {
  const size_t h = f.size(), w = f[0].size();
  std::map<int, double> hist;
  for (const auto& row : f) for (const double v : row) hist[static_cast<int>(v)] += 1.0 / (h * w);
  double en = 0, sd = 0, rf = 0, cf = 0, ag = 0, mse_a = 0, mse_b = 0, peak = 0;
  for (const auto& [k, p] : hist) en -= p * std::log2(p);
  const double mf = mean_of(f);
  for (size_t r = 0; r < h; ++r) {
    for (size_t c = 0; c < w; ++c) {
      sd += (f[r][c] - mf) * (f[r][c] - mf) / (h * w);
      if (c + 1 < w) rf += std::pow(f[r][c + 1] - f[r][c], 2) / (h * (w - 1));
      if (r + 1 < h) cf += std::pow(f[r + 1][c] - f[r][c], 2) / ((h - 1) * w);
      const double gx = c == 0 ? f[r][1] - f[r][0] : c == w - 1 ? f[r][c] - f[r][c - 1] : (f[r][c + 1] - f[r][c - 1]) / 2;
      const double gy = r == 0 ? f[1][c] - f[0][c] : r == h - 1 ? f[r][c] - f[r - 1][c] : (f[r + 1][c] - f[r - 1][c]) / 2;
      ag += std::sqrt((gx * gx + gy * gy) / 2) / (h * w);
      mse_a += std::pow(a[r][c] - f[r][c], 2) / (h * w);
      mse_b += std::pow(b[r][c] - f[r][c], 2) / (h * w);
      peak = std::max(peak, f[r][c]);
    }
  }
  const double mse = (mse_a + mse_b) / 2;
  return {{"EN", en}, {"SD", std::sqrt(sd)}, {"SF", std::sqrt(rf + cf)}, {"AG", ag},
          {"MI", mi(f, a) + mi(f, b)}, {"SCD", corr(a, minus(f, b)) + corr(b, minus(f, a))},
          {"VIF", vif(a, f) + vif(b, f)}, {"Qabf", qabf(f, a, b)}, {"Nabf", nabf(f, a, b)},
          {"SSIM", ssim(f, a) + ssim(f, b)}, {"PSNR", 10 * std::log10(peak * peak / mse)},
          {"MSE", mse}, {"CC", (corr(a, f) + corr(b, f)) / 2}};
}

void expect_agreement(const std::string& dataset, const std::string& ir, const std::string& vi,
                      int top, int left) {
  const int h = 96, w = 128;
  const Plane a = read_gray_rule(test::shared_data(dataset + "/ir/" + ir), top, left, h, w);
  const Plane b = read_gray_rule(test::shared_data(dataset + "/vi/" + vi), top, left, h, w);
  Plane f = a;  // a fused image with structure from both: the brighter source per pixel
  for (int r = 0; r < h; ++r) for (int c = 0; c < w; ++c) f[r][c] = std::max(a[r][c], b[r][c]);
  const auto expected = reference_metrics(f, a, b);
  const auto names = default_metric_names();
  const auto values = compute_metrics(to_gray_image(f), to_gray_image(a), to_gray_image(b),
                                      find_metrics(names));
  for (size_t k = 0; k < names.size(); ++k) {
    const double want = expected.at(names[k]);
    const double tolerance = (names[k] == "SSIM" ? 1e-3 : 1e-9) * std::max(1.0, std::abs(want));
    EXPECT_NEAR(values[k], want, tolerance) << dataset << " " << names[k];
  }
}

TEST(ReferenceAgreementTest, MsrsNightPair) {
  TESG_REQUIRE_SHARED_DATA();
  expect_agreement("MSRS/test", "00004N.png", "00004N.png", 200, 260);
}

TEST(ReferenceAgreementTest, RoadScenePair) {
  TESG_REQUIRE_SHARED_DATA();
  expect_agreement("RoadScene/test", "FLIR_00006.jpg", "FLIR_00006.jpg", 60, 100);
}

TEST(ReferenceAgreementTest, EvaluatorGrayMatchesRationalRuleOnRealVisibleImage) {
  TESG_REQUIRE_SHARED_DATA();
  const auto path = test::shared_data("MSRS/test/vi/00055D.png");
  const auto gray = read_evaluator_gray(path);
  const Plane rule = read_gray_rule(path, 0, 0, 480, 640);
  int64_t differing = 0;
  for (int r = 0; r < 480; ++r)
    for (int c = 0; c < 640; ++c) differing += gray.at(r, c) != rule[r][c];
  EXPECT_EQ(differing, 0);
}

}  // namespace
}  // namespace tesg::metrics

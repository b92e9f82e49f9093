#include <cmath>

#include "tesg/error.h"
#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {
namespace {

std::string size_text(const GrayImage& g) {
  return std::to_string(g.width) + "x" + std::to_string(g.height);
}

// The 3x3 neighbourhood sums behind both Sobel variants: `at(r, c)` may be asked for r, c one
// outside the image; it applies the padding rule.
template <class At>
void sobel(int64_t h, int64_t w, At at, std::vector<double>& dx, std::vector<double>& dy) {
  dx.resize(static_cast<size_t>(h * w));
  dy.resize(static_cast<size_t>(h * w));
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      // Convolution orientation (kernel flipped), as scipy's convolve2d: left - right, up - down.
      const double x = (at(r - 1, c - 1) - at(r - 1, c + 1)) +
                       2 * (at(r, c - 1) - at(r, c + 1)) + (at(r + 1, c - 1) - at(r + 1, c + 1));
      const double y = (at(r - 1, c - 1) - at(r + 1, c - 1)) +
                       2 * (at(r - 1, c) - at(r + 1, c)) + (at(r - 1, c + 1) - at(r + 1, c + 1));
      dx[static_cast<size_t>(r * w + c)] = x;
      dy[static_cast<size_t>(r * w + c)] = y;
    }
  }
}

}  // namespace

FusionTriple::FusionTriple(const GrayImage& fused, const GrayImage& ir, const GrayImage& vi)
    : height_(fused.height), width_(fused.width) {
  const GrayImage* images[3] = {&fused, &ir, &vi};
  for (const auto* g : images) {
    if (g->height != height_ || g->width != width_) {
      throw DataError("size mismatch: fused " + size_text(fused) + ", infrared " +
                      size_text(ir) + ", visible " + size_text(vi));
    }
  }
  for (int s = 0; s < 3; ++s) planes_[s].assign(images[s]->pixels.begin(), images[s]->pixels.end());
  if (height_ < 2 || width_ < 2) throw DataError("images must be at least 2x2 pixels");
}

FusionTriple::~FusionTriple() = default;

const std::array<double, 256>& FusionTriple::histogram(Source s) {
  if (!histograms_[s]) {
    std::array<int64_t, 256> counts{};
    for (const double v : planes_[s]) ++counts[static_cast<size_t>(v)];
    auto h = std::make_unique<std::array<double, 256>>();
    const double n = static_cast<double>(planes_[s].size());
    for (size_t k = 0; k < 256; ++k) (*h)[k] = static_cast<double>(counts[k]) / n;
    histograms_[s] = std::move(h);
  }
  return *histograms_[s];
}

const FusionTriple::Edges& FusionTriple::qabf_edges(Source s) {
  if (!qabf_edges_[s]) {
    const auto& p = planes_[s];
    const int64_t h = height_, w = width_;
    auto at = [&](int64_t r, int64_t c) {  // zero padding ('same' convolution of scipy)
      return (r < 0 || c < 0 || r >= h || c >= w) ? 0.0 : p[static_cast<size_t>(r * w + c)];
    };
    // CDDFuse convolves with h3 (x) and h1 = [[1,2,1],[0,0,0],[-1,-2,-1]] (y): sx = left - right,
    // sy = down - up. The sign of sy/sx matters where sx = 0 pins alpha to +pi/2.
    std::vector<double> sx, up_minus_down;
    sobel(h, w, at, sx, up_minus_down);
    auto e = std::make_unique<Edges>();
    e->g.resize(sx.size());
    e->alpha.resize(sx.size());
    for (size_t i = 0; i < sx.size(); ++i) {
      const double sy = -up_minus_down[i];
      e->g[i] = std::sqrt(sx[i] * sx[i] + sy * sy);
      e->alpha[i] = sx[i] == 0 ? M_PI / 2 : std::atan(sy / sx[i]);
    }
    qabf_edges_[s] = std::move(e);
  }
  return *qabf_edges_[s];
}

const FusionTriple::Edges& FusionTriple::nabf_edges(Source s) {
  if (!nabf_edges_[s]) {
    const auto& p = planes_[s];
    const int64_t h = height_, w = width_;
    auto reflect = [](int64_t i, int64_t n) { return i < 0 ? 1 : (i >= n ? n - 2 : i); };
    auto at = [&](int64_t r, int64_t c) {  // mirror without edge repeat (reflect-101)
      return p[static_cast<size_t>(reflect(r, h) * w + reflect(c, w))];
    };
    std::vector<double> gv, gh;
    sobel(h, w, at, gv, gh);
    auto e = std::make_unique<Edges>();
    e->g.resize(gv.size());
    e->alpha.resize(gv.size());
    for (size_t i = 0; i < gv.size(); ++i) {
      gv[i] /= 8, gh[i] /= 8;
      e->g[i] = std::sqrt(gh[i] * gh[i] + gv[i] * gv[i]);
      // atan(gv / 0) is +-pi/2 by the sign of gv, as numpy's division by +0.
      e->alpha[i] = (gv[i] == 0 && gh[i] == 0) ? 0.0 : std::atan(gv[i] / gh[i]);
    }
    nabf_edges_[s] = std::move(e);
  }
  return *nabf_edges_[s];
}

}  // namespace tesg::metrics

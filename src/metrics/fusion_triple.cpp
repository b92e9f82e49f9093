#include <cmath>

#include "tesg/error.h"
#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {
namespace {

std::string size_text(const GrayImage& g) {
  return std::to_string(g.width) + "x" + std::to_string(g.height);
}

// Sobel responses and strength of every pixel. `at(r, c)` may be asked for r, c one outside the
// image and applies the padding rule. With scipy's convolution orientation (kernel flipped) the
// responses are x = left - right and y = up - down, both divided by `divisor`.
template <class At>
std::unique_ptr<FusionTriple::Edges> sobel_edges(int64_t h, int64_t w, At at, double divisor) {
  // The padded image once, so the 3x3 sums below index without bounds checks.
  const int64_t pw = w + 2;
  std::vector<double> padded(static_cast<size_t>((h + 2) * pw));
  for (int64_t r = -1; r <= h; ++r) {
    for (int64_t c = -1; c <= w; ++c) padded[static_cast<size_t>((r + 1) * pw + c + 1)] = at(r, c);
  }
  auto e = std::make_unique<FusionTriple::Edges>();
  e->x.resize(static_cast<size_t>(h * w));
  e->y.resize(static_cast<size_t>(h * w));
  e->g.resize(static_cast<size_t>(h * w));
  for (int64_t r = 0; r < h; ++r) {
    const double* up = &padded[static_cast<size_t>(r * pw + 1)];  // row r-1, column c at up[c]
    const double* mid = up + pw;
    const double* down = mid + pw;
    for (int64_t c = 0; c < w; ++c) {
      const double x = ((up[c - 1] - up[c + 1]) + 2 * (mid[c - 1] - mid[c + 1]) +
                        (down[c - 1] - down[c + 1])) / divisor;
      const double y = ((up[c - 1] - down[c - 1]) + 2 * (up[c] - down[c]) +
                        (up[c + 1] - down[c + 1])) / divisor;
      const auto i = static_cast<size_t>(r * w + c);
      e->x[i] = x, e->y[i] = y, e->g[i] = std::sqrt(x * x + y * y);
    }
  }
  return e;
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
    qabf_edges_[s] = sobel_edges(h, w, at, 1.0);
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
    nabf_edges_[s] = sobel_edges(h, w, at, 8.0);  // analysis_nabf's kernels are divided by 8
  }
  return *nabf_edges_[s];
}

}  // namespace tesg::metrics

#include "tesg/data/augment.h"

#include <torch/torch.h>

#include <algorithm>
#include <tuple>

namespace tesg::data {
namespace {

// Applies `f` to each spatial tensor of the sample.
template <class F>
FusionSample map_images(const FusionSample& sample, F f) {
  FusionSample out = sample;
  out.vi = f(sample.vi);
  out.ir = f(sample.ir);
  out.mask = f(sample.mask);
  return out;
}

// The crop's corner drawn as random_crop draws it.
std::pair<int64_t, int64_t> draw_corner(int64_t h, int64_t w, int64_t size, std::mt19937_64& rng) {
  std::uniform_int_distribution<int64_t> top_dist(0, std::max<int64_t>(0, h - size));
  std::uniform_int_distribution<int64_t> left_dist(0, std::max<int64_t>(0, w - size));
  const auto top = top_dist(rng);
  return {top, left_dist(rng)};
}

// The flips drawn as random_flip draws them: a coin for each enabled direction.
std::pair<bool, bool> draw_flips(bool horizontal, bool vertical, std::mt19937_64& rng) {
  std::bernoulli_distribution coin(0.5);
  const bool h = horizontal && coin(rng);
  return {h, vertical && coin(rng)};
}

FusionSample cropped(const FusionSample& sample, int64_t top, int64_t left, int64_t size) {
  const auto h = sample.vi.size(1), w = sample.vi.size(2);
  const auto pad_h = std::max<int64_t>(0, size - h), pad_w = std::max<int64_t>(0, size - w);
  return map_images(sample, [&](const torch::Tensor& t) {
    const auto padded =
        (pad_h || pad_w) ? torch::constant_pad_nd(t, {0, pad_w, 0, pad_h}, 0) : t;
    return padded.narrow(1, top, size).narrow(2, left, size).contiguous();
  });
}

FusionSample flipped(const FusionSample& sample, bool horizontal, bool vertical) {
  std::vector<int64_t> dims;
  if (horizontal) dims.push_back(2);
  if (vertical) dims.push_back(1);
  if (dims.empty()) return sample;
  return map_images(sample, [&](const torch::Tensor& t) { return t.flip(dims); });
}

}  // namespace

FusionSample random_crop(const FusionSample& sample, int64_t size, std::mt19937_64& rng) {
  const auto [top, left] = draw_corner(sample.vi.size(1), sample.vi.size(2), size, rng);
  return cropped(sample, top, left, size);
}

FusionSample random_flip(const FusionSample& sample, bool horizontal, bool vertical,
                         std::mt19937_64& rng) {
  const auto [h, v] = draw_flips(horizontal, vertical, rng);
  return flipped(sample, h, v);
}

Placement draw_placement(int64_t h, int64_t w, int64_t size, bool horizontal, bool vertical, std::mt19937_64& rng) {
  Placement p;
  std::tie(p.top, p.left) = draw_corner(h, w, size, rng);
  p.size = size;
  std::tie(p.hflip, p.vflip) = draw_flips(horizontal, vertical, rng);
  return p;
}

FusionSample place(const FusionSample& sample, const Placement& p) {
  return flipped(cropped(sample, p.top, p.left, p.size), p.hflip, p.vflip);
}

detect::Objects place(const detect::Objects& objects, const Placement& p, double min_visible) {
  detect::Objects out;
  const auto size = static_cast<float>(p.size);
  for (const auto& o : objects) {
    const detect::Box in{o.box.x1 - p.left, o.box.y1 - p.top, o.box.x2 - p.left, o.box.y2 - p.top};
    const detect::Box clipped{std::clamp(in.x1, 0.f, size), std::clamp(in.y1, 0.f, size),
                              std::clamp(in.x2, 0.f, size), std::clamp(in.y2, 0.f, size)};
    const double area = static_cast<double>(in.x2 - in.x1) * (in.y2 - in.y1);
    const double kept = static_cast<double>(clipped.x2 - clipped.x1) * (clipped.y2 - clipped.y1);
    if (area <= 0 || kept < min_visible * area) continue;
    detect::Box b = clipped;
    if (p.hflip) b = {size - clipped.x2, b.y1, size - clipped.x1, b.y2};
    if (p.vflip) b = {b.x1, size - clipped.y2, b.x2, size - clipped.y1};
    out.push_back({b, o.cls});
  }
  return out;
}

}  // namespace tesg::data

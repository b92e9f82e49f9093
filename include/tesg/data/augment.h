#pragma once
// Training augmentation applied jointly to vi, ir and mask, so the three stay aligned.
#include <cstdint>
#include <random>

#include "tesg/data/fusion_sample.h"
#include "tesg/detect/box.h"

namespace tesg::data {

/// A random `size` x `size` crop at the same place in vi, ir and mask. An image smaller than the
/// crop is zero-padded at the bottom/right first. Text semantics are kept as they are.
FusionSample random_crop(const FusionSample& sample, int64_t size, std::mt19937_64& rng);

/// Horizontal and/or vertical flips, each with probability 1/2 when enabled, applied jointly.
FusionSample random_flip(const FusionSample& sample, bool horizontal, bool vertical,
                         std::mt19937_64& rng);

/// Where a crop comes from and how it is flipped, drawn once so that labels can follow it.
struct Placement {
  int64_t top = 0, left = 0, size = 0;
  bool hflip = false, vflip = false;
};

/// The draws random_crop then random_flip make, in their order, for a frame of h x w.
Placement draw_placement(int64_t h, int64_t w, int64_t size, bool horizontal, bool vertical, std::mt19937_64& rng);

/// The crop and flips of `placement` applied to vi, ir and mask (zero padding as random_crop).
FusionSample place(const FusionSample& sample, const Placement& placement);

/// Label boxes of the frame moved into the crop and flipped with it; an object keeping less than
/// `min_visible` of its area inside the crop is dropped, the others are clipped to it.
detect::Objects place(const detect::Objects& objects, const Placement& placement, double min_visible);

}  // namespace tesg::data

#pragma once
// Training augmentation applied jointly to vi, ir and mask, so the three stay aligned.
#include <cstdint>
#include <random>

#include "tesg/data/fusion_sample.h"

namespace tesg::data {

/// A random `size` x `size` crop at the same place in vi, ir and mask. An image smaller than the
/// crop is zero-padded at the bottom/right first. Text semantics are kept as they are.
FusionSample random_crop(const FusionSample& sample, int64_t size, std::mt19937_64& rng);

/// Horizontal and/or vertical flips, each with probability 1/2 when enabled, applied jointly.
FusionSample random_flip(const FusionSample& sample, bool horizontal, bool vertical,
                         std::mt19937_64& rng);

}  // namespace tesg::data

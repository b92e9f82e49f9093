#pragma once
// Tiled fusion of large frames: overlapping tiles fused one after another and blended with
// raised-cosine weights over the overlaps, so memory is bounded by the tile, not the frame.
#include <cstdint>
#include <vector>

#include "tesg/infer/fuse_fn.h"

namespace tesg::infer {

struct Tile {
  int64_t y0, y1, x0, x1;  ///< half-open rows [y0,y1) and columns [x0,x1)
};

/// The fewest tiles of at most `max_pixels` pixels that cover h x w with neighbours
/// overlapping by at least `overlap` pixels; one tile when the frame fits. Throws ConfigError
/// when `max_pixels` leaves no room for the overlap.
std::vector<Tile> plan_tiles(int64_t h, int64_t w, int64_t max_pixels, int64_t overlap);

/// Wraps `fuse` so that frames above `max_pixels` are fused tile by tile and blended.
FuseFn with_tiling(FuseFn fuse, int64_t max_pixels, int64_t overlap);

}  // namespace tesg::infer

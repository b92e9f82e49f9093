#pragma once
// Splitting a batch job's sorted pairs over ranks: rank r of w takes pairs r, r + w, r + 2w, ...
// (interleaved, so that ranks get alike mixes of image sizes).
#include <cstdint>

namespace tesg::cluster {

struct Shard {
  int rank = 0;
  int world = 1;
  bool owns(int64_t index) const { return index % world == rank; }
  bool whole() const { return world == 1; }
};

}  // namespace tesg::cluster

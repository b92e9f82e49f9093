#include "tesg/io/fnv1a.h"

namespace tesg::io {

uint64_t fnv1a_64(std::string_view text) {
  constexpr uint64_t kOffsetBasis = 14695981039346656037ull, kPrime = 1099511628211ull;
  uint64_t h = kOffsetBasis;
  for (const unsigned char c : text) h = (h ^ c) * kPrime;
  return h;
}

}  // namespace tesg::io

#pragma once
// FNV-1a, 64 bits: a stable hash of text (the same on every machine and build).
#include <cstdint>
#include <string_view>

namespace tesg::io {

/// The 64-bit FNV-1a hash of `text`.
uint64_t fnv1a_64(std::string_view text);

}  // namespace tesg::io

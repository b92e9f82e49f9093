#pragma once
// How every results table (tesg-eval, tesg-detect, segmentation, video) writes a number.
#include <string>

namespace tesg::io {

/// `v` with 4 decimals ("0.7104"); "n/a" when it is NaN or infinite.
std::string table_number(double v);

}  // namespace tesg::io

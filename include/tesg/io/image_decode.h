#pragma once
// Decoding an image file with OpenCV under tesg's rules: only PNG, JPEG, BMP and TIFF, one
// DataError naming the file for anything wrong (missing, truncated, corrupt, another format, too
// large), never a cv::Exception, and the size in the header checked before the decoder
// allocates for it. Needs OpenCV (TESG_WITH_OPENCV).
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tesg::io {

/// The most pixels an image may have (8192 x 8192): a header asking for more is refused, so a
/// corrupt file cannot make the decoder allocate gigabytes (OpenCV's own limit is 2^30).
constexpr int64_t kMaxImagePixels = int64_t{1} << 26;

struct ImageHeader {
  std::string format;  ///< "PNG", "JPEG", "BMP", "TIFF"; "" when none of them
  int64_t width = 0, height = 0;  ///< 0 when the header is truncated
};

/// The format and size that the first bytes of an image file declare.
ImageHeader read_image_header(std::string_view bytes);

/// cv::imdecode of the file at `path` with `flags`, or DataError "<path>: ..." instead of an
/// empty or partial result.
cv::Mat decode_image_file(const std::string& path, int flags);

}  // namespace tesg::io

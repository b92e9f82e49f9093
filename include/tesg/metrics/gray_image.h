#pragma once
// The image form every fusion metric works on: 8-bit gray on the 0..255 scale, exactly as the
// field's evaluator sees it (docs: METRICS.md, section 1).
#include <cstdint>
#include <string>
#include <vector>

namespace tesg::metrics {

struct GrayImage {
  int64_t height = 0, width = 0;
  std::vector<uint8_t> pixels;  ///< row-major, height * width

  uint8_t at(int64_t row, int64_t col) const { return pixels[row * width + col]; }
  int64_t size() const { return height * width; }
};

/// Reads an image file as the evaluator does: OpenCV IMREAD_COLOR (a gray file is replicated),
/// float32 BGR2GRAY on the 0..255 values, round half to even. Throws DataError naming the file.
GrayImage read_evaluator_gray(const std::string& path);

/// The same conversion for an interleaved 8-bit RGB buffer (e.g. a fused image in memory).
GrayImage evaluator_gray_from_rgb(const uint8_t* rgb, int64_t height, int64_t width);

}  // namespace tesg::metrics

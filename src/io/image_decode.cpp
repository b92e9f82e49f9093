#include "tesg/io/image_decode.h"

#include <cstdlib>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "tesg/error.h"
#include "tesg/io/read_file.h"

namespace tesg::io {
namespace {

// Unsigned integer of `width` bytes at `at`, big- or little-endian; 0 past the end.
int64_t number(std::string_view b, size_t at, int width, bool big_endian) {
  if (at > b.size() || b.size() - at < static_cast<size_t>(width)) return 0;
  int64_t v = 0;
  for (int k = 0; k < width; ++k) {
    v = (v << 8) | static_cast<uint8_t>(b[at + (big_endian ? k : width - 1 - k)]);
  }
  return v;
}

ImageHeader png(std::string_view b) {  // IHDR is the first chunk
  return {"PNG", number(b, 16, 4, true), number(b, 20, 4, true)};
}

ImageHeader bmp(std::string_view b) {  // BITMAPINFOHEADER: signed width and height
  const auto width = static_cast<int32_t>(number(b, 18, 4, false));
  const auto height = static_cast<int32_t>(number(b, 22, 4, false));
  return {"BMP", std::abs(static_cast<int64_t>(width)), std::abs(static_cast<int64_t>(height))};
}

ImageHeader jpeg(std::string_view b) {  // the first start-of-frame segment
  for (size_t at = 2; at + 4 <= b.size();) {
    if (static_cast<uint8_t>(b[at]) != 0xff) break;
    const int marker = static_cast<uint8_t>(b[at + 1]);
    if (marker == 0xff) {  // fill byte
      ++at;
      continue;
    }
    const bool frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (frame) return {"JPEG", number(b, at + 7, 2, true), number(b, at + 5, 2, true)};
    at += 2 + static_cast<size_t>(number(b, at + 2, 2, true));
  }
  return {"JPEG", 0, 0};
}

ImageHeader tiff(std::string_view b) {  // the first image file directory
  const bool big = b[0] == 'M';
  const size_t directory = static_cast<size_t>(number(b, 4, 4, big));
  const int64_t entries = number(b, directory, 2, big);
  ImageHeader h{"TIFF", 0, 0};
  for (int64_t k = 0; k < entries; ++k) {
    const size_t entry = directory + 2 + 12 * static_cast<size_t>(k);
    const int64_t tag = number(b, entry, 2, big), type = number(b, entry + 2, 2, big);
    const int64_t value = type == 3 ? number(b, entry + 8, 2, big) : number(b, entry + 8, 4, big);
    if (tag == 256) h.width = value;
    if (tag == 257) h.height = value;
  }
  return h;
}

}  // namespace

ImageHeader read_image_header(std::string_view b) {
  const auto starts = [&](std::string_view signature) { return b.substr(0, signature.size()) == signature; };
  if (starts("\x89PNG\r\n\x1a\n")) return png(b);
  if (starts("\xff\xd8")) return jpeg(b);
  if (starts("BM")) return bmp(b);
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) return tiff(b);
  return {};
}

cv::Mat decode_image_file(const std::string& path, int flags) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > INT32_MAX) {  // what cv::imdecode takes; refused before reading it
    throw DataError(path + ": cannot decode image (the file has " + std::to_string(size) +
                    " bytes, more than the " + std::to_string(INT32_MAX) + " tesg reads)");
  }
  std::string problem;
  const auto read = read_file(path, problem);
  if (!read) throw DataError(path + ": " + problem);
  const std::string& bytes = *read;
  const auto header = read_image_header(bytes);
  if (header.format.empty()) throw DataError(path + ": cannot decode image (not a PNG, JPEG, BMP or TIFF file)");
  if (header.width > kMaxImagePixels || header.height > kMaxImagePixels ||
      header.width * header.height > kMaxImagePixels) {
    throw DataError(path + ": cannot decode image (its " + header.format + " header declares " +
                    std::to_string(header.width) + "x" + std::to_string(header.height) +
                    " pixels, more than the " + std::to_string(kMaxImagePixels) + " tesg reads)");
  }
  cv::Mat image;
  try {
    image = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data())), flags);
  } catch (const cv::Exception& e) {
    throw DataError(path + ": cannot decode image (" + e.err + ")");
  }
  if (image.empty()) throw DataError(path + ": cannot decode image (truncated or corrupt " + header.format + " file)");
  return image;
}

}  // namespace tesg::io

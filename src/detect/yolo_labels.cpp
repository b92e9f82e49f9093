#include "tesg/detect/yolo_labels.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include "tesg/error.h"

namespace tesg::detect {
namespace {

constexpr float kMaxClassId = 1e6f;  // beyond any dataset's classes, and safely an int

}  // namespace

Objects read_yolo_labels(const std::string& path, int64_t image_w, int64_t image_h) {
  std::ifstream in(path);
  if (!in) throw DataError(path + ": cannot be read");
  std::vector<std::array<float, 5>> rows;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const auto where = path + ":" + std::to_string(line_no) + ": ";
    std::istringstream fields(line);
    std::array<float, 5> row{};
    int n = 0;
    for (std::string token; fields >> token; ++n) {
      if (n == 5) throw DataError(where + "more than 5 values (class cx cy w h)");
      char* end = nullptr;
      row[n] = std::strtof(token.c_str(), &end);
      if (end == token.c_str() || *end != '\0' || !std::isfinite(row[n]))
        throw DataError(where + "'" + token + "' is not a number");
    }
    if (n == 0) continue;
    if (n != 5) throw DataError(where + "expected 5 values (class cx cy w h), got " + std::to_string(n));
    if (row[0] < 0 || row[0] > kMaxClassId || row[0] != std::floor(row[0]))
      throw DataError(where + "class " + fmt::format("{}", row[0]) + " is not a class id");
    if (std::any_of(row.begin() + 1, row.end(), [](float v) { return v < 0 || v > 1; }))
      throw DataError(where + "coordinates outside [0, 1] (not normalised?)");
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
  }
  Objects objects;
  for (const auto& r : rows) {
    const double w = image_w, h = image_h;
    objects.push_back({{static_cast<float>((r[1] - r[3] / 2.0) * w), static_cast<float>((r[2] - r[4] / 2.0) * h),
                        static_cast<float>((r[1] + r[3] / 2.0) * w), static_cast<float>((r[2] + r[4] / 2.0) * h)},
                       static_cast<int>(r[0])});
  }
  return objects;
}

std::string yolo_lines(const Detections& detections, int64_t image_w, int64_t image_h) {
  std::string out;
  const double w = image_w, h = image_h;
  for (const auto& d : detections) {
    const auto& b = d.box;
    out += fmt::format("{} {:.9g} {:.9g} {:.9g} {:.9g} {:.9g}\n", d.cls, (b.x1 + b.x2) / 2.0 / w,
                       (b.y1 + b.y2) / 2.0 / h, (b.x2 - b.x1) / w, (b.y2 - b.y1) / h, d.score);
  }
  return out;
}

}  // namespace tesg::detect

#include "tesg/detect/detection_pictures.h"

#include <spdlog/fmt/fmt.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <filesystem>
#include <map>

#include "tesg/io/image_decode.h"
#include "tesg/io/picture.h"

namespace tesg::detect {
namespace fs = std::filesystem;
namespace {

const cv::Scalar kLabelColour(0, 200, 0);  // BGR
const std::array<cv::Scalar, 6> kClassColours = {cv::Scalar(0, 0, 255), cv::Scalar(255, 128, 0),
                                                 cv::Scalar(0, 200, 255), cv::Scalar(255, 0, 255),
                                                 cv::Scalar(255, 255, 0), cv::Scalar(128, 0, 255)};

cv::Rect rect(const Box& b) {
  return cv::Rect(cv::Point(static_cast<int>(b.x1), static_cast<int>(b.y1)),
                  cv::Point(static_cast<int>(b.x2), static_cast<int>(b.y2)));
}

// The image of row `r` for pair `i` with labels and detections drawn; empty when the row has none.
cv::Mat panel(const RowDetections& row, size_t i, const DetectionReport& report, double min_score) {
  cv::Mat image = io::decode_image_file(row.paths[i], cv::IMREAD_COLOR);
  const int thick = std::max(1, image.rows / 240);
  for (const auto& o : row.labels[i]) cv::rectangle(image, rect(o.box), kLabelColour, thick);
  for (const auto& d : row.detections[i]) {
    if (d.score < min_score) continue;
    const auto colour = kClassColours[static_cast<size_t>(d.cls) % kClassColours.size()];
    cv::rectangle(image, rect(d.box), colour, thick);
    const auto text = fmt::format("{} {:.2f}", report.classes.name_of_label(d.cls), d.score);
    const double scale = 0.4 * thick;
    int baseline = 0;
    const auto size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &baseline);
    const int x = std::max(0, std::min(static_cast<int>(d.box.x1), image.cols - size.width));  // inside
    const int y = std::max(size.height + 1, static_cast<int>(d.box.y1) - 3);
    cv::putText(image, text, cv::Point(x, y), cv::FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv::LINE_AA);
  }
  return image;
}

// Panels of one pair in row order: (row name, image) for the rows that scored it.
std::vector<std::pair<std::string, cv::Mat>> panels_of(const DetectionReport& r, const std::string& stem,
                                                       double min_score) {
  std::vector<std::pair<std::string, cv::Mat>> out;
  for (const auto& row : r.rows) {
    const auto it = std::lower_bound(row.stems.begin(), row.stems.end(), stem);
    if (it == row.stems.end() || *it != stem) continue;
    out.emplace_back(row.name, panel(row, static_cast<size_t>(it - row.stems.begin()), r, min_score));
  }
  return out;
}

cv::Mat grid(const std::vector<std::pair<std::string, cv::Mat>>& panels, const DetectionPictureOptions& o) {
  std::vector<cv::Mat> cells;
  int width = 0;
  for (const auto& [name, image] : panels) {
    const auto scaled = io::scaled_to_height(image, o.panel_height);
    cv::Mat cell;
    cv::vconcat(io::text_bar(name, scaled.cols, io::text_bar_height(o.panel_height)), scaled, cell);
    width = std::max(width, cell.cols);
    cells.push_back(cell);
  }
  const int height = cells.front().rows;
  std::vector<cv::Mat> lines;
  for (size_t k = 0; k < cells.size(); k += static_cast<size_t>(o.columns)) {
    cv::Mat line(height, width * o.columns, CV_8UC3, cv::Scalar(255, 255, 255));
    for (size_t c = k; c < std::min(cells.size(), k + o.columns); ++c)
      cells[c].copyTo(line(cv::Rect(static_cast<int>(c - k) * width, 0, cells[c].cols, cells[c].rows)));
    lines.push_back(line);
  }
  cv::Mat out;
  cv::vconcat(lines, out);
  return out;
}

}  // namespace

void write_detection_pictures(const DetectionReport& r, const std::string& out_dir,
                              const DetectionPictureOptions& o) {
  fs::create_directories(fs::path(out_dir) / "grid");
  std::vector<std::pair<std::string, cv::Mat>> sheet;
  std::string header;
  for (const auto& row : r.rows) header += (header.empty() ? "" : " | ") + row.name;
  for (const auto& stem : r.stems) {
    const auto panels = panels_of(r, stem, o.min_score);
    if (panels.empty()) continue;
    io::write_png_atomically((fs::path(out_dir) / "grid" / (stem + ".png")).string(), grid(panels, o));
    if (static_cast<int64_t>(sheet.size()) >= o.sheet_max_rows) continue;
    std::vector<cv::Mat> thumbs;
    for (const auto& [name, image] : panels) thumbs.push_back(io::scaled_to_height(image, o.sheet_row_height));
    cv::Mat strip;
    cv::hconcat(thumbs, strip);
    sheet.emplace_back(stem, strip);
  }
  if (!sheet.empty())
    io::write_png_atomically((fs::path(out_dir) / "contact_sheet.png").string(),
                             io::sheet_of_rows("pair | " + header, sheet, o.sheet_row_height));
}

}  // namespace tesg::detect

#include "tesg/io/picture.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"

namespace tesg::io {

cv::Mat scaled_to_height(const cv::Mat& image, int height) {
  const int width = std::max(1, static_cast<int>(std::lround(double(image.cols) * height / image.rows)));
  cv::Mat out;
  cv::resize(image, out, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  return out;
}

cv::Mat text_bar(const std::string& text, int width, int height) {
  cv::Mat bar(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const double scale = height / 40.0;
  cv::putText(bar, text, cv::Point(height / 4, height * 3 / 4), cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(0, 0, 0), std::max(1, height / 20), cv::LINE_AA);
  return bar;
}

int text_bar_height(int panel_height) { return std::max(16, panel_height / 12); }

cv::Mat sheet_of_rows(const std::string& header, const std::vector<std::pair<std::string, cv::Mat>>& rows,
                      int row_height) {
  const int h = row_height, name_width = 2 * h, bar = text_bar_height(h);
  int width = 0;
  for (const auto& row : rows) width = std::max(width, row.second.cols);
  std::vector<cv::Mat> lines{text_bar(header, name_width + width, bar)};
  for (const auto& [name, strip] : rows) {
    cv::Mat line(h, name_width + width, CV_8UC3, cv::Scalar(255, 255, 255));
    text_bar(name, name_width, bar).copyTo(line(cv::Rect(0, (h - bar) / 2, name_width, bar)));
    strip.copyTo(line(cv::Rect(name_width, 0, strip.cols, h)));
    lines.push_back(line);
  }
  cv::Mat sheet;
  cv::vconcat(lines, sheet);
  return sheet;
}

void write_png_atomically(const std::string& path, const cv::Mat& bgr) {
  std::vector<uchar> encoded;
  if (!cv::imencode(".png", bgr, encoded)) throw Error(path + ": PNG encoding failed");
  write_file_atomically(path, std::string(encoded.begin(), encoded.end()));
}

}  // namespace tesg::io

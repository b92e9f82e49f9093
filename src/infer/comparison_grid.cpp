#include "tesg/infer/comparison_grid.h"

#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <map>
#include <mutex>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"

namespace tesg::infer {
namespace {

const std::array<const char*, 4> kPanelNames = {"infrared", "visible", "mask", "fused"};
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kMaskTint = 0.5;  // weight of red over the dimmed infrared in the mask panel

// [C,H,W] float in [0,1] (C = 1 or 3, RGB) -> 8-bit BGR.
cv::Mat to_bgr(const torch::Tensor& chw) {
  const auto bytes = io::to_uint8_hwc(chw).expand({-1, -1, 3}).contiguous();  // gray -> RGB
  cv::Mat rgb(static_cast<int>(bytes.size(0)), static_cast<int>(bytes.size(1)), CV_8UC3, bytes.data_ptr());
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);  // copies out of the tensor
  return bgr;
}

// The mask as red over the dimmed infrared, so the targets can be checked against the scene.
cv::Mat mask_panel(const data::FusionSample& s) {
  const auto ir = s.ir.expand({3, s.ir.size(1), s.ir.size(2)}) * 0.5;
  const auto red = torch::tensor({1.0f, 0.0f, 0.0f}).view({3, 1, 1});
  const auto tinted = torch::where(s.mask > 0.5, ir * (1 - kMaskTint) + red * kMaskTint, ir);
  return to_bgr(tinted);
}

std::array<cv::Mat, 4> panels(const data::FusionSample& s, const torch::Tensor& fused) {
  return {to_bgr(s.ir), to_bgr(s.vi), mask_panel(s), to_bgr(fused)};
}

cv::Mat scaled(const cv::Mat& image, int height) {
  const int width = std::max(1, static_cast<int>(std::lround(double(image.cols) * height / image.rows)));
  cv::Mat out;
  cv::resize(image, out, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  return out;
}

// A white bar of `width` x `height` with `text` in black.
cv::Mat label(const std::string& text, int width, int height) {
  cv::Mat bar(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const double scale = height / 40.0;
  cv::putText(bar, text, cv::Point(height / 4, height * 3 / 4), kFont, scale, cv::Scalar(0, 0, 0),
              std::max(1, height / 20), cv::LINE_AA);
  return bar;
}

int label_height(int panel_height) { return std::max(16, panel_height / 12); }

void write_png_atomically(const std::string& path, const cv::Mat& bgr) {
  std::vector<uchar> encoded;
  if (!cv::imencode(".png", bgr, encoded)) throw Error(path + ": PNG encoding failed");
  io::write_file_atomically(path, std::string(encoded.begin(), encoded.end()));
}

}  // namespace

void write_comparison_grid(const std::string& path, const data::FusionSample& sample,
                           const torch::Tensor& fused, int64_t panel_height) {
  const int h = static_cast<int>(panel_height);
  std::vector<cv::Mat> columns;
  const auto images = panels(sample, fused);
  for (size_t k = 0; k < images.size(); ++k) {
    const auto image = scaled(images[k], h);
    cv::Mat column;
    cv::vconcat(label(kPanelNames[k], image.cols, label_height(h)), image, column);
    columns.push_back(column);
  }
  cv::Mat grid;
  cv::hconcat(columns, grid);
  write_png_atomically(path, grid);
}

struct ContactSheet::Rows {
  std::mutex mutex;
  std::map<int64_t, std::pair<std::string, cv::Mat>> rows;  // order -> stem, panels
};

ContactSheet::ContactSheet(int64_t row_height, int64_t max_rows)
    : rows_(std::make_unique<Rows>()), row_height_(row_height), max_rows_(max_rows) {}

ContactSheet::~ContactSheet() = default;

void ContactSheet::add(int64_t order, const data::FusionSample& sample, const torch::Tensor& fused) {
  if (order >= max_rows_) return;
  std::vector<cv::Mat> thumbs;
  for (const auto& image : panels(sample, fused)) thumbs.push_back(scaled(image, static_cast<int>(row_height_)));
  cv::Mat row;
  cv::hconcat(thumbs, row);
  std::lock_guard<std::mutex> lock(rows_->mutex);
  rows_->rows[order] = {sample.stem, row};
}

bool ContactSheet::empty() const {
  std::lock_guard<std::mutex> lock(rows_->mutex);
  return rows_->rows.empty();
}

void ContactSheet::write(const std::string& path) const {
  std::lock_guard<std::mutex> lock(rows_->mutex);
  const int h = static_cast<int>(row_height_), name_width = 2 * h;
  int width = 0;
  for (const auto& [order, row] : rows_->rows) width = std::max(width, row.second.cols);
  std::vector<cv::Mat> lines;
  std::string header;
  for (const auto* name : kPanelNames) header += std::string(header.empty() ? "" : " | ") + name;
  lines.push_back(label("pair | " + header, name_width + width, label_height(h)));
  for (const auto& [order, row] : rows_->rows) {
    cv::Mat line(h, name_width + width, CV_8UC3, cv::Scalar(255, 255, 255));
    label(row.first, name_width, label_height(h)).copyTo(line(cv::Rect(0, (h - label_height(h)) / 2, name_width, label_height(h))));
    row.second.copyTo(line(cv::Rect(name_width, 0, row.second.cols, h)));
    lines.push_back(line);
  }
  cv::Mat sheet;
  cv::vconcat(lines, sheet);
  write_png_atomically(path, sheet);
}

}  // namespace tesg::infer

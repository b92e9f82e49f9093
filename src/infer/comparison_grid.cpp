#include "tesg/infer/comparison_grid.h"

#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <mutex>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"
#include "tesg/io/picture.h"

namespace tesg::infer {
using io::scaled_to_height;
using io::text_bar;
using io::text_bar_height;
using io::write_png_atomically;
namespace {

const std::array<const char*, 4> kPanelNames = {"infrared", "visible", "mask", "fused"};
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

}  // namespace

void write_comparison_grid(const std::string& path, const data::FusionSample& sample,
                           const torch::Tensor& fused, int64_t panel_height) {
  const int h = static_cast<int>(panel_height);
  std::vector<cv::Mat> columns;
  const auto images = panels(sample, fused);
  for (size_t k = 0; k < images.size(); ++k) {
    const auto image = scaled_to_height(images[k], h);
    cv::Mat column;
    cv::vconcat(text_bar(kPanelNames[k], image.cols, text_bar_height(h)), image, column);
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
  for (const auto& image : panels(sample, fused)) thumbs.push_back(scaled_to_height(image, static_cast<int>(row_height_)));
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
  std::string header;
  for (const auto* name : kPanelNames) header += std::string(header.empty() ? "" : " | ") + name;
  std::vector<std::pair<std::string, cv::Mat>> rows;
  for (const auto& [order, row] : rows_->rows) rows.push_back(row);
  write_png_atomically(path, io::sheet_of_rows("pair | " + header, rows, static_cast<int>(row_height_)));
}

// Each row: "<order> <stem-length> <png-length>\n", the stem, the PNG bytes.
std::string ContactSheet::rows_bytes() const {
  std::lock_guard<std::mutex> lock(rows_->mutex);
  std::string out;
  for (const auto& [order, row] : rows_->rows) {
    std::vector<uchar> png;
    cv::imencode(".png", row.second, png);
    out += std::to_string(order) + " " + std::to_string(row.first.size()) + " " + std::to_string(png.size()) + "\n";
    out += row.first;
    out.append(png.begin(), png.end());
  }
  return out;
}

void ContactSheet::add_rows(const std::string& bytes) {
  size_t at = 0;
  while (at < bytes.size()) {
    const auto end = bytes.find('\n', at);
    long long order = 0;
    size_t stem_size = 0, png_size = 0;
    if (end == std::string::npos ||
        std::sscanf(bytes.c_str() + at, "%lld %zu %zu", &order, &stem_size, &png_size) != 3 ||
        end + 1 + stem_size + png_size > bytes.size()) {
      throw Error("contact sheet rows from another rank are malformed");
    }
    const auto stem = bytes.substr(end + 1, stem_size);
    const std::vector<uchar> png(bytes.begin() + static_cast<std::ptrdiff_t>(end + 1 + stem_size),
                                 bytes.begin() + static_cast<std::ptrdiff_t>(end + 1 + stem_size + png_size));
    std::lock_guard<std::mutex> lock(rows_->mutex);
    rows_->rows[order] = {stem, cv::imdecode(png, cv::IMREAD_UNCHANGED)};
    at = end + 1 + stem_size + png_size;
  }
}

}  // namespace tesg::infer

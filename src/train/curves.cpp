#include "tesg/train/curves.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <vector>

#include "tesg/io/atomic_file.h"

namespace tesg::train {
namespace {

constexpr int kPanelWidth = 480, kPanelHeight = 320, kMargin = 40;

// Columns of a CSV file with a header line: name -> values.
std::map<std::string, std::vector<double>> read_csv(const std::string& path) {
  std::map<std::string, std::vector<double>> columns;
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return columns;
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string cell;
    for (size_t i = 0; i < names.size() && std::getline(row, cell, ','); ++i) {
      try {
        columns[names[i]].push_back(std::stod(cell));
      } catch (const std::exception&) {
        columns[names[i]].push_back(0);
      }
    }
  }
  return columns;
}

// One panel: each series against x, each scaled to its own y range (printed in its label).
cv::Mat panel(const std::string& title, const std::vector<double>& x,
              const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  cv::Mat img(kPanelHeight, kPanelWidth, CV_8UC3, cv::Scalar(255, 255, 255));
  const cv::Scalar colours[] = {{200, 60, 30}, {30, 140, 30}, {30, 30, 200}, {160, 30, 160},
                                {20, 140, 200}, {90, 90, 90}};
  cv::rectangle(img, {kMargin, kMargin / 2}, {kPanelWidth - 10, kPanelHeight - kMargin},
                cv::Scalar(180, 180, 180));
  cv::putText(img, title, {kMargin, 14}, cv::FONT_HERSHEY_SIMPLEX, 0.45, cv::Scalar(0, 0, 0), 1);
  if (x.size() < 2) return img;
  const double x0 = x.front(), x1 = std::max(x.back(), x0 + 1);
  for (size_t s = 0; s < series.size(); ++s) {
    const auto& y = series[s].second;
    const auto [lo, hi] = std::minmax_element(y.begin(), y.end());
    const double y0 = *lo, y1 = std::max(*hi, *lo + 1e-12);
    std::vector<cv::Point> points;
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      points.emplace_back(
          kMargin + static_cast<int>((x[i] - x0) / (x1 - x0) * (kPanelWidth - kMargin - 12)),
          kPanelHeight - kMargin - static_cast<int>((y[i] - y0) / (y1 - y0) *
                                                    (kPanelHeight - 1.5 * kMargin - 2)));
    }
    const auto& colour = colours[s % std::size(colours)];
    cv::polylines(img, points, false, colour, 1, cv::LINE_AA);
    char label[96];
    std::snprintf(label, sizeof(label), "%s %.4g..%.4g", series[s].first.c_str(), y0, y1);
    cv::putText(img, label, {kMargin + 6, kMargin + 4 + 14 * static_cast<int>(s)},
                cv::FONT_HERSHEY_SIMPLEX, 0.4, colour, 1);
  }
  return img;
}

}  // namespace

void write_curves_png(const std::string& log_csv, const std::string& val_csv,
                      const std::string& out) {
  auto log = read_csv(log_csv);
  cv::Mat left = panel("training loss (total) vs step", log["step"], {{"loss", log["loss"]}});
  auto val = read_csv(val_csv);
  std::vector<std::pair<std::string, std::vector<double>>> metrics;
  for (const auto& [name, values] : val) {
    if (name != "epoch") metrics.emplace_back(name, values);
  }
  cv::Mat right = panel("validation metrics vs epoch (each own scale)", val["epoch"], metrics);
  cv::Mat both;
  cv::hconcat(left, right, both);
  std::vector<uchar> png;
  cv::imencode(".png", both, png);
  io::write_file_atomically(out, std::string(png.begin(), png.end()));
}

}  // namespace tesg::train

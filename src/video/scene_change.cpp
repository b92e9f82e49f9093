#include "tesg/video/scene_change.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace tesg::video {
namespace {

constexpr int kBins = 32;  // gray levels per histogram bin: 8 (coarse against noise and flicker)

cv::Mat histogram(const cv::Mat& gray) {
  const int channels[] = {0}, sizes[] = {kBins};
  const float range[] = {0, 256};
  const float* ranges[] = {range};
  cv::Mat hist;
  cv::calcHist(&gray, 1, channels, cv::Mat(), hist, 1, sizes, ranges);
  cv::normalize(hist, hist, 1, 0, cv::NORM_L1);
  return hist;
}

}  // namespace

void SceneChange::set_key(const cv::Mat& ir_gray, const cv::Mat& vi_gray) {
  ir_histogram_ = histogram(ir_gray);
  vi_histogram_ = histogram(vi_gray);
}

double SceneChange::distance(const cv::Mat& ir_gray, const cv::Mat& vi_gray) const {
  if (ir_histogram_.empty()) return 0;
  return std::max(cv::compareHist(ir_histogram_, histogram(ir_gray), cv::HISTCMP_BHATTACHARYYA),
                  cv::compareHist(vi_histogram_, histogram(vi_gray), cv::HISTCMP_BHATTACHARYYA));
}

bool SceneChange::changed(const cv::Mat& ir_gray, const cv::Mat& vi_gray) const {
  return threshold_ > 0 && distance(ir_gray, vi_gray) > threshold_;
}

}  // namespace tesg::video

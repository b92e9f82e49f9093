#pragma once
// A scene change between a key frame and the current frame: the Bhattacharyya distance of their
// gray-level histograms (0 = same distribution, 1 = disjoint), the larger of the two modalities.
#include <opencv2/core/mat.hpp>

namespace tesg::video {

class SceneChange {
 public:
  /// `threshold` in [0,1]: a distance above it is a change; 0 = never a change.
  explicit SceneChange(double threshold) : threshold_(threshold) {}
  /// Remembers the key frame's 8-bit gray infrared and visible frames.
  void set_key(const cv::Mat& ir_gray, const cv::Mat& vi_gray);
  /// Distance of the current frames to the key frame (0 before any key frame).
  double distance(const cv::Mat& ir_gray, const cv::Mat& vi_gray) const;
  bool changed(const cv::Mat& ir_gray, const cv::Mat& vi_gray) const;

 private:
  double threshold_;
  cv::Mat ir_histogram_, vi_histogram_;
};

}  // namespace tesg::video

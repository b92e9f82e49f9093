#pragma once
// Dense optical flow between two frames (OpenCV's DIS) and warping by it: how masks are carried
// between key frames and how the temporal measure aligns consecutive frames.
#include <opencv2/core/mat.hpp>

#include <string>

namespace tesg::video {

/// Flow f (CV_32FC2) with `current(x) ≈ previous(x + f(x))`, from two 8-bit gray frames of one
/// size. `preset`: ultrafast | fast | medium (DIS presets). Throws ConfigError for another preset.
cv::Mat dense_flow(const cv::Mat& previous, const cv::Mat& current, const std::string& preset);

/// `image` (of the previous frame) resampled at x + f(x): its content moved to the current
/// frame. Bilinear; positions outside the image give 0.
cv::Mat warp_by_flow(const cv::Mat& image, const cv::Mat& flow);

/// CV_8U mask of the pixels whose x + f(x) lies inside the image (255) or not (0).
cv::Mat flow_inside(const cv::Mat& flow);

}  // namespace tesg::video

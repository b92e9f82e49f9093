#include "tesg/metrics/gray_image.h"

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tesg/error.h"
#include "tesg/io/image_decode.h"

namespace tesg::metrics {
namespace {

// float32 BGR2GRAY of OpenCV (the evaluator's own call), then numpy's round half to even.
GrayImage gray_from_bgr8(const cv::Mat& bgr) {
  cv::Mat as_float, gray;
  bgr.convertTo(as_float, CV_32F);
  cv::cvtColor(as_float, gray, cv::COLOR_BGR2GRAY);
  GrayImage out;
  out.height = gray.rows;
  out.width = gray.cols;
  out.pixels.resize(static_cast<size_t>(out.size()));
  for (int r = 0; r < gray.rows; ++r) {
    const float* row = gray.ptr<float>(r);
    for (int c = 0; c < gray.cols; ++c) {
      // nearbyint rounds half to even in the default rounding mode, as np.round.
      const float v = std::nearbyint(row[c]);
      out.pixels[static_cast<size_t>(r) * gray.cols + c] =
          static_cast<uint8_t>(std::min(255.f, std::max(0.f, v)));
    }
  }
  return out;
}

}  // namespace

GrayImage read_evaluator_gray(const std::string& path) {
  return gray_from_bgr8(io::decode_image_file(path, cv::IMREAD_COLOR));
}

GrayImage evaluator_gray_from_rgb(const uint8_t* rgb, int64_t height, int64_t width) {
  const cv::Mat view(static_cast<int>(height), static_cast<int>(width), CV_8UC3,
                     const_cast<uint8_t*>(rgb));
  cv::Mat bgr;
  cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
  return gray_from_bgr8(bgr);
}

}  // namespace tesg::metrics

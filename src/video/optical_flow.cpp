#include "tesg/video/optical_flow.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "tesg/error.h"

namespace tesg::video {
namespace {

int dis_preset(const std::string& preset) {
  if (preset == "ultrafast") return cv::DISOpticalFlow::PRESET_ULTRAFAST;
  if (preset == "fast") return cv::DISOpticalFlow::PRESET_FAST;
  if (preset == "medium") return cv::DISOpticalFlow::PRESET_MEDIUM;
  throw ConfigError("optical flow preset '" + preset + "': expected ultrafast | fast | medium");
}

// x + f(x) as the two maps cv::remap takes.
void sample_maps(const cv::Mat& flow, cv::Mat& map_x, cv::Mat& map_y) {
  map_x.create(flow.size(), CV_32F);
  map_y.create(flow.size(), CV_32F);
  for (int y = 0; y < flow.rows; ++y) {
    const auto* f = flow.ptr<cv::Vec2f>(y);
    auto* mx = map_x.ptr<float>(y);
    auto* my = map_y.ptr<float>(y);
    for (int x = 0; x < flow.cols; ++x) mx[x] = static_cast<float>(x) + f[x][0], my[x] = static_cast<float>(y) + f[x][1];
  }
}

}  // namespace

cv::Mat dense_flow(const cv::Mat& previous, const cv::Mat& current, const std::string& preset) {
  CV_Assert(previous.type() == CV_8UC1 && current.type() == CV_8UC1 && previous.size() == current.size());
  auto dis = cv::DISOpticalFlow::create(dis_preset(preset));
  cv::Mat flow;
  dis->calc(current, previous, flow);  // current(x) ~ previous(x + flow(x))
  return flow;
}

cv::Mat warp_by_flow(const cv::Mat& image, const cv::Mat& flow) {
  cv::Mat map_x, map_y, warped;
  sample_maps(flow, map_x, map_y);
  cv::remap(image, warped, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return warped;
}

cv::Mat flow_inside(const cv::Mat& flow) {
  cv::Mat inside(flow.size(), CV_8U);
  const float max_x = static_cast<float>(flow.cols - 1), max_y = static_cast<float>(flow.rows - 1);
  for (int y = 0; y < flow.rows; ++y) {
    const auto* f = flow.ptr<cv::Vec2f>(y);
    auto* out = inside.ptr<uint8_t>(y);
    for (int x = 0; x < flow.cols; ++x) {
      const float sx = static_cast<float>(x) + f[x][0], sy = static_cast<float>(y) + f[x][1];
      out[x] = (sx >= 0 && sy >= 0 && sx <= max_x && sy <= max_y) ? 255 : 0;
    }
  }
  return inside;
}

}  // namespace tesg::video

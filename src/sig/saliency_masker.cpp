#include "tesg/sig/saliency_masker.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace tesg::sig {
namespace {

cv::Mat ellipse(int radius) {
  return cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
}

}  // namespace

torch::Tensor saliency_mask(const torch::Tensor& ir, const SaliencyOptions& options) {
  TORCH_CHECK(ir.dim() == 3 && ir.size(0) == 1, "saliency_mask: ir must be [1,H,W], got ",
              ir.sizes());
  const int h = static_cast<int>(ir.size(1)), w = static_cast<int>(ir.size(2));
  auto bytes = ir.detach().to(torch::kCPU, torch::kFloat32).clamp(0, 1).mul(255).round()
                   .to(torch::kUInt8).contiguous();
  const cv::Mat image(h, w, CV_8UC1, bytes.data_ptr());
  cv::Mat smooth, unused;
  cv::GaussianBlur(image, smooth, cv::Size(0, 0), options.blur_sigma);
  const double otsu = cv::threshold(smooth, unused, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::Scalar mean, stddev;
  cv::meanStdDev(smooth, mean, stddev);
  const double level = std::max(otsu, mean[0] + options.threshold_k * stddev[0]);
  cv::Mat mask = smooth > level;
  if (options.open_radius > 0) cv::morphologyEx(mask, mask, cv::MORPH_OPEN, ellipse(options.open_radius));
  if (options.close_radius > 0) cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, ellipse(options.close_radius));

  cv::Mat labels, stats, centroids;
  cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  const double min_pixels = options.min_area * h * w;
  auto out = torch::zeros({1, h, w}, torch::kFloat32);
  auto* dst = out.data_ptr<float>();
  for (int r = 0; r < h; ++r) {
    const int* row = labels.ptr<int>(r);
    for (int c = 0; c < w; ++c) {
      const int label = row[c];
      if (label > 0 && stats.at<int>(label, cv::CC_STAT_AREA) >= min_pixels) dst[r * w + c] = 1;
    }
  }
  return out;
}

}  // namespace tesg::sig

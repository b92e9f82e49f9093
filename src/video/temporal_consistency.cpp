#include "tesg/video/temporal_consistency.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "tesg/video/optical_flow.h"

namespace tesg::video {
namespace {

// Sum over `inside` pixels of |current - warped previous| (8-bit frames).
double warped_difference(const cv::Mat& current, const cv::Mat& previous, const cv::Mat& flow, const cv::Mat& inside) {
  const cv::Mat warped = warp_by_flow(previous, flow);
  double sum = 0;
  for (int y = 0; y < current.rows; ++y) {
    const auto* c = current.ptr<uint8_t>(y);
    const auto* w = warped.ptr<uint8_t>(y);
    const auto* in = inside.ptr<uint8_t>(y);
    for (int x = 0; x < current.cols; ++x) {
      if (in[x]) sum += std::abs(static_cast<int>(c[x]) - static_cast<int>(w[x]));
    }
  }
  return sum;
}

}  // namespace

double TemporalScores::flicker(size_t m) const {
  const double reference = std::max(ir, vi);
  return reference > 0 ? fused.at(m) / reference : std::nan("");
}

TemporalMeter::TemporalMeter(size_t methods, std::string flow_preset)
    : preset_(std::move(flow_preset)), previous_fused_(methods), fused_sums_(methods, 0.0) {}

void TemporalMeter::add(const cv::Mat& ir, const cv::Mat& vi, const std::vector<cv::Mat>& fused) {
  CV_Assert(fused.size() == fused_sums_.size());
  if (!previous_ir_.empty()) {
    const cv::Mat flow = dense_flow(previous_ir_, ir, preset_);
    const cv::Mat inside = flow_inside(flow);
    pixels_ += cv::countNonZero(inside);
    ir_sum_ += warped_difference(ir, previous_ir_, flow, inside);
    vi_sum_ += warped_difference(vi, previous_vi_, flow, inside);
    for (size_t m = 0; m < fused.size(); ++m) fused_sums_[m] += warped_difference(fused[m], previous_fused_[m], flow, inside);
    ++transitions_;
  }
  previous_ir_ = ir.clone(), previous_vi_ = vi.clone();
  for (size_t m = 0; m < fused.size(); ++m) previous_fused_[m] = fused[m].clone();
}

TemporalScores TemporalMeter::scores() const {
  TemporalScores s;
  s.transitions = transitions_;
  const double n = pixels_ > 0 ? pixels_ : std::nan("");
  s.ir = ir_sum_ / n, s.vi = vi_sum_ / n;
  for (const double sum : fused_sums_) s.fused.push_back(sum / n);
  return s;
}

TemporalScores combine(const std::vector<TemporalScores>& clips) {
  TemporalScores all;
  double weight = 0;
  for (const auto& c : clips) {
    if (c.transitions == 0) continue;
    const double w = static_cast<double>(c.transitions);
    if (all.fused.empty()) all.fused.assign(c.fused.size(), 0.0);
    all.ir += w * c.ir, all.vi += w * c.vi;
    for (size_t m = 0; m < c.fused.size(); ++m) all.fused[m] += w * c.fused[m];
    all.transitions += c.transitions;
    weight += w;
  }
  if (weight == 0) return all;
  all.ir /= weight, all.vi /= weight;
  for (auto& f : all.fused) f /= weight;
  return all;
}

}  // namespace tesg::video

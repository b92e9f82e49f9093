#include "tesg/video/key_frame_semantics.h"

#include <torch/torch.h>

#include "tesg/nn/color.h"
#include "tesg/video/optical_flow.h"

namespace tesg::video {
namespace {

constexpr double kMaskThreshold = 0.5;  // a carried soft mask is a key target from here on

torch::Tensor binary_mask_tensor(const cv::Mat& soft) {
  const auto t = torch::from_blob(const_cast<float*>(soft.ptr<float>()), {1, soft.rows, soft.cols}, torch::kFloat32);
  return (t >= kMaskThreshold).to(torch::kFloat32);
}

cv::Mat mask_mat(const at::Tensor& mask) {
  const auto m = mask.to(torch::kCPU, torch::kFloat32).reshape({mask.size(-2), mask.size(-1)}).contiguous();
  return cv::Mat(static_cast<int>(m.size(0)), static_cast<int>(m.size(1)), CV_32F, m.data_ptr()).clone();
}

}  // namespace

cv::Mat gray_u8(const at::Tensor& image) {
  auto gray = image.size(0) == 3 ? nn::rgb_to_gray(image.unsqueeze(0))[0] : image;
  gray = gray.to(torch::kFloat32).clamp(0, 1).mul(255).round().to(torch::kUInt8).reshape({image.size(1), image.size(2)}).contiguous();
  return cv::Mat(static_cast<int>(gray.size(0)), static_cast<int>(gray.size(1)), CV_8U, gray.data_ptr()).clone();
}

KeyFrameSemantics::KeyFrameSemantics(Compute compute, const KeyFramePolicy& policy)
    : compute_(std::move(compute)), policy_(policy), scene_(policy.scene_change) {}

bool KeyFrameSemantics::attach(data::FusionSample& sample) {
  const cv::Mat ir = gray_u8(sample.ir), vi = gray_u8(sample.vi);
  const bool key = frames_ == 0 || since_key_ + 1 >= policy_.every || ir.size() != previous_ir_.size() ||
                   scene_.changed(ir, vi);
  ++frames_;
  if (key) {
    compute_(sample);
    mask_ = mask_mat(sample.mask);
    text_ = sample.ft;
    scene_.set_key(ir, vi);
    since_key_ = 0;
    ++key_frames_;
  } else {
    mask_ = warp_by_flow(mask_, dense_flow(previous_ir_, ir, policy_.flow));  // Mask carried along the motion
    sample.mask = binary_mask_tensor(mask_).clone();
    sample.ft = text_;
    ++since_key_;
  }
  previous_ir_ = ir;
  return key;
}

}  // namespace tesg::video

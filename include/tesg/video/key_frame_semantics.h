#pragma once
// The semantic inputs of video frames (DESIGN.md, Video): computed on key frames (every
// fuse.sig_every frames and on a scene change) and carried between them, the mask by dense
// optical flow on the infrared, the text semantics kept for the scene.
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "tesg/data/fusion_sample.h"
#include "tesg/video/scene_change.h"

namespace tesg::video {

struct KeyFramePolicy {
  int64_t every = 10;          ///< a key frame every N frames
  double scene_change = 0.35;  ///< SceneChange threshold, 0 = off
  std::string flow = "fast";   ///< dense_flow preset
};

class KeyFrameSemantics {
 public:
  /// `compute` sets a sample's mask and text as for a still pair (e.g. SigInputs::attach).
  using Compute = std::function<void(data::FusionSample&)>;
  KeyFrameSemantics(Compute compute, const KeyFramePolicy& policy);

  /// Sets `sample.mask` and `sample.ft` for the next frame of the stream; returns whether it was
  /// a key frame (semantics computed) rather than carried.
  bool attach(data::FusionSample& sample);
  int64_t frames() const { return frames_; }
  int64_t key_frames() const { return key_frames_; }

 private:
  Compute compute_;
  KeyFramePolicy policy_;
  SceneChange scene_;
  int64_t frames_ = 0, key_frames_ = 0, since_key_ = 0;
  cv::Mat previous_ir_;  // 8-bit gray infrared of the previous frame
  cv::Mat mask_;         // CV_32F mask of the previous frame, soft between key frames
  at::Tensor text_;      // the scene's text semantics
};

/// [1,H,W] or [3,H,W] float in [0,1] -> 8-bit gray cv::Mat (BT.601 luma for three channels).
cv::Mat gray_u8(const at::Tensor& image);

}  // namespace tesg::video

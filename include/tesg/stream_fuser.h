#pragma once
/// \file
/// tesg as a library for video: push infrared + visible frame pairs in order, get each fused
/// frame back.
///
/// \code
///   tesg::StreamFuser stream("models/tesg_cpu_edge_guided.pt");
///   while (ir_camera.read(ir) && vi_camera.read(vi)) writer.write(stream.push(ir, vi));
/// \endcode
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "tesg/fuser.h"

namespace tesg {

/// A Fuser for a stream of frame pairs. The semantic inputs are computed on key frames (every
/// fuse.sig_every frames and on a scene change) and carried between them by optical flow, as
/// tesg-video does. Latency is one frame: push() returns the fused frame of the pair it was
/// given. Errors are thrown as tesg::Error (tesg/error.h), as tesg::Fuser's.
class StreamFuser {
 public:
  /// Loads `checkpoint` as tesg::Fuser does; `options.overrides` may set the key-frame keys, e.g.
  /// "fuse.sig_every=30", "fuse.scene_change=0.35", "fuse.video_flow=fast".
  explicit StreamFuser(const std::string& checkpoint, const FuserOptions& options = {});
  ~StreamFuser();
  StreamFuser(StreamFuser&&) noexcept;             ///< moves the stream; the source is left empty
  StreamFuser& operator=(StreamFuser&&) noexcept;  ///< moves the stream; the source is left empty

  /// The next pair of the stream (frames as tesg::Fuser::fuse takes them) -> its fused frame,
  /// 8-bit BGR. With fuse.sig_every = 1 each frame equals tesg::Fuser::fuse of the same pair.
  cv::Mat push(const cv::Mat& ir, const cv::Mat& vi);

  int64_t frames() const;      ///< pairs pushed so far
  int64_t key_frames() const;  ///< of them, those whose semantics were computed
  bool last_was_key_frame() const;  ///< whether the last push() computed its frame's semantics

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tesg

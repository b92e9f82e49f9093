#pragma once
// Where fused frames go: a video file, finalised (playable) whatever stops the job, and renamed
// into place only then; and/or a folder of numbered PNG frames, each written atomically.
#include <opencv2/core/mat.hpp>
#include <opencv2/videoio.hpp>

#include <cstdint>
#include <string>

namespace tesg::video {

class VideoFileSink {
 public:
  /// Opens a temporary file beside `path` for `codec` (a FourCC such as avc1) at `fps` and
  /// `size`; the container follows `path`'s extension. Throws ConfigError when OpenCV's FFmpeg
  /// cannot write that codec into that container.
  VideoFileSink(const std::string& path, const std::string& codec, double fps, cv::Size size);
  /// Finishes the file if finish() was not called (a job stopped by an error).
  ~VideoFileSink();
  VideoFileSink(const VideoFileSink&) = delete;
  VideoFileSink& operator=(const VideoFileSink&) = delete;

  /// Appends an 8-bit BGR frame of the sink's size.
  void write(const cv::Mat& bgr);
  /// Finalises the container and renames the file to its path (once; later calls do nothing).
  /// Throws Error when the rename fails.
  void finish();
  int64_t frames() const { return frames_; }

 private:
  std::string path_, temp_;
  cv::VideoWriter writer_;
  int64_t frames_ = 0;
  bool finished_ = false;
};

/// `<dir>/<index, 6 digits>.png`: the file a frame folder sink writes for frame `index`.
std::string frame_file(const std::string& dir, int64_t index);

}  // namespace tesg::video

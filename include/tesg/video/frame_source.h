#pragma once
// Where the frames of one video stream come from: a video file or stream URL (anything OpenCV's
// cv::VideoCapture opens), a numbered frame folder, or a camera.
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace tesg::video {

struct SourceInfo {
  std::string name;     ///< what the user gave: a path, a URL or a camera index
  double fps = 0;       ///< frames per second
  int64_t frames = -1;  ///< frame count, -1 when unknown (live)
  int width = 0, height = 0;
  bool live = false;    ///< a camera or an endless stream: frames may be dropped, never waited for
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  const SourceInfo& info() const { return info_; }
  /// Index of the next frame read() returns (0 = the first of the source).
  int64_t position() const { return position_; }
  /// The next frame (8- or 16-bit, gray or BGR) into `frame`; false at the source's regular end.
  /// Throws DataError naming the source and the frame when a frame cannot be decoded, when a file
  /// ends before the frame count it declares (truncated), or when a camera stops delivering.
  virtual bool read(cv::Mat& frame) = 0;
  /// Skips `count` frames (a frame range's start). Throws DataError past the end.
  void skip(int64_t count);

 protected:
  SourceInfo info_;
  int64_t position_ = 0;
};

/// Opens `spec`: a folder of numbered images (frames in numeric order, `folder_fps` frames per
/// second), a camera ("0", "/dev/video0"), a stream URL ("rtsp://..."), or a video file. Throws
/// DataError naming `spec` when it cannot be opened.
std::unique_ptr<FrameSource> open_frame_source(const std::string& spec, double folder_fps);

}  // namespace tesg::video

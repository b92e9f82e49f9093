#include "tesg/video/frame_sink.h"

#include <cstdio>
#include <filesystem>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"

namespace tesg::video {

VideoFileSink::VideoFileSink(const std::string& path, const std::string& codec, double fps, cv::Size size)
    : path_(path), temp_(io::temp_path_keeping_extension(path)) {
  if (codec.size() != 4) throw ConfigError("video codec '" + codec + "': expected a FourCC of 4 characters");
  const int fourcc = cv::VideoWriter::fourcc(codec[0], codec[1], codec[2], codec[3]);
  if (!writer_.open(temp_, cv::CAP_FFMPEG, fourcc, fps, size, true)) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
    throw ConfigError(path + ": OpenCV's FFmpeg cannot write codec '" + codec + "' into a '" +
                      std::filesystem::path(path).extension().string() +
                      "' file (avc1 or mp4v in .mp4, MJPG in .avi)");
  }
}

VideoFileSink::~VideoFileSink() {
  try {
    finish();
  } catch (...) {  // a destructor must not throw; the temporary file stays for the user
  }
}

void VideoFileSink::write(const cv::Mat& bgr) {
  writer_.write(bgr);
  ++frames_;
}

void VideoFileSink::finish() {
  if (finished_) return;
  finished_ = true;
  writer_.release();  // writes the container's index: the file plays from here on
  std::error_code error;
  std::filesystem::rename(temp_, path_, error);
  if (error) throw Error(path_ + ": cannot move the finished video into place: " + error.message());
}

std::string frame_file(const std::string& dir, int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld.png", static_cast<long long>(index));
  return (std::filesystem::path(dir) / name).string();
}

}  // namespace tesg::video

#include "tesg/video/frame_source.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <vector>

#include "tesg/error.h"

namespace tesg::video {
namespace {
namespace fs = std::filesystem;

bool is_camera_index(const std::string& spec) {
  return !spec.empty() && std::all_of(spec.begin(), spec.end(), ::isdigit);
}
bool is_camera(const std::string& spec) { return is_camera_index(spec) || spec.rfind("/dev/video", 0) == 0; }
bool is_url(const std::string& spec) { return spec.find("://") != std::string::npos; }

std::string frame_text(int64_t index) { return "frame " + std::to_string(index); }

// Video files, stream URLs and cameras, through cv::VideoCapture.
class CaptureSource : public FrameSource {
 public:
  explicit CaptureSource(const std::string& spec) {
    info_.name = spec;
    if (!is_camera(spec) && !is_url(spec) && !fs::exists(spec)) throw DataError(spec + ": no such file");
    const bool opened = is_camera_index(spec) ? capture_.open(std::stoi(spec))
                                                  : capture_.open(spec, is_camera(spec) ? cv::CAP_ANY : cv::CAP_FFMPEG);
    if (!opened) {
      throw DataError(spec + (is_camera(spec) ? ": cannot open the camera"
                                              : ": cannot open as a video (unknown format, truncated or corrupt?)"));
    }
    info_.fps = capture_.get(cv::CAP_PROP_FPS);
    info_.width = static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_WIDTH));
    info_.height = static_cast<int>(capture_.get(cv::CAP_PROP_FRAME_HEIGHT));
    const auto count = static_cast<int64_t>(std::llround(capture_.get(cv::CAP_PROP_FRAME_COUNT)));
    info_.live = is_camera(spec) || (is_url(spec) && count <= 0);
    info_.frames = info_.live ? -1 : count;
    if (!info_.live && (count <= 0 || info_.width <= 0)) throw DataError(spec + ": a video without frames");
  }

  bool read(cv::Mat& frame) override {
    if (!info_.live && position_ >= info_.frames) return false;
    if (!capture_.read(frame) || frame.empty()) {
      if (info_.live) throw DataError(info_.name + ": " + frame_text(position_) + ": no frame (stream ended or camera disconnected)");
      throw DataError(info_.name + ": " + frame_text(position_) + " of " + std::to_string(info_.frames) +
                      ": cannot be decoded (truncated or corrupt file)");
    }
    ++position_;
    return true;
  }

 private:
  cv::VideoCapture capture_;
};

// The number in a frame's stem ("frame_000123" -> 123), -1 without one.
int64_t frame_number(const fs::path& file) {
  const auto stem = file.stem().string();
  const auto end = stem.find_last_of("0123456789");
  if (end == std::string::npos) return -1;
  auto begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(stem[begin - 1]))) --begin;
  return std::stoll(stem.substr(begin, end - begin + 1));
}

bool is_image(const fs::path& file) {
  auto ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" || ext == ".tiff";
}

// A folder of numbered images, in numeric order.
class FolderSource : public FrameSource {
 public:
  FolderSource(const std::string& dir, double fps) {
    info_.name = dir;
    info_.fps = fps;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file() && is_image(entry.path())) files_.push_back(entry.path());
    }
    if (files_.empty()) throw DataError(dir + ": a frame folder without images");
    std::sort(files_.begin(), files_.end(), [](const fs::path& a, const fs::path& b) {
      const auto na = frame_number(a), nb = frame_number(b);
      return na != nb ? na < nb : a.filename() < b.filename();
    });
    info_.frames = static_cast<int64_t>(files_.size());
    const cv::Mat first = decode(files_.front());
    info_.width = first.cols, info_.height = first.rows;
  }

  bool read(cv::Mat& frame) override {
    if (position_ >= info_.frames) return false;
    frame = decode(files_[static_cast<size_t>(position_)]);
    if (frame.cols != info_.width || frame.rows != info_.height) {
      throw DataError(files_[static_cast<size_t>(position_)].string() + ": " + frame_text(position_) + " is " +
                      std::to_string(frame.cols) + "x" + std::to_string(frame.rows) + ", the first frame " +
                      std::to_string(info_.width) + "x" + std::to_string(info_.height));
    }
    ++position_;
    return true;
  }

 private:
  static cv::Mat decode(const fs::path& file) {
    cv::Mat image = cv::imread(file.string(), cv::IMREAD_UNCHANGED);
    if (image.empty()) throw DataError(file.string() + ": cannot decode the frame image");
    return image;
  }
  std::vector<fs::path> files_;
};

}  // namespace

void FrameSource::skip(int64_t count) {
  cv::Mat frame;
  for (int64_t k = 0; k < count; ++k) {
    if (!read(frame)) {
      throw DataError(info_.name + ": the first frame asked for (" + std::to_string(count) + ") is past the end (" +
                      std::to_string(info_.frames) + " frames)");
    }
  }
}

std::unique_ptr<FrameSource> open_frame_source(const std::string& spec, double folder_fps) {
  if (fs::is_directory(spec)) return std::make_unique<FolderSource>(spec, folder_fps);
  return std::make_unique<CaptureSource>(spec);
}

}  // namespace tesg::video

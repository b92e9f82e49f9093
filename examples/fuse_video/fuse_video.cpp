// Fuses an infrared + visible video pair frame by frame with tesg::StreamFuser: the smallest
// video program on tesg. Any source cv::VideoCapture opens works (files, cameras, URLs).
//   fuse_video CHECKPOINT IR_VIDEO VI_VIDEO OUT.avi [MAX_FRAMES]
#include <opencv2/videoio.hpp>

#include <iostream>
#include <string>

#include "tesg/stream_fuser.h"

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::cerr << "usage: fuse_video CHECKPOINT IR_VIDEO VI_VIDEO OUT.avi [MAX_FRAMES]\n";
    return 2;
  }
  const long max_frames = argc == 6 ? std::stol(argv[5]) : -1;
  try {
    tesg::StreamFuser stream(argv[1]);  // key-frame semantics as the checkpoint's config says
    cv::VideoCapture ir(argv[2]), vi(argv[3]);
    if (!ir.isOpened() || !vi.isOpened()) throw tesg::Error("cannot open the input videos");
    cv::VideoWriter out;
    cv::Mat ir_frame, vi_frame;
    while (stream.frames() != max_frames && ir.read(ir_frame) && vi.read(vi_frame)) {
      const cv::Mat fused = stream.push(ir_frame, vi_frame);  // 8-bit BGR, the frames' size
      if (!out.isOpened() && !out.open(argv[4], cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), vi.get(cv::CAP_PROP_FPS),
                                       fused.size())) {
        throw tesg::Error(std::string(argv[4]) + ": cannot be written");
      }
      out.write(fused);
    }
    std::cout << "tesg " << tesg::version() << ": " << stream.frames() << " frames (" << stream.key_frames()
              << " key frames) -> " << argv[4] << '\n';
    return 0;
  } catch (const tesg::Error& e) {
    std::cerr << "fuse_video: " << e.what() << '\n';
    return 1;
  }
}

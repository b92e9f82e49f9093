// Fuses one infrared/visible pair with a trained TeSG checkpoint: the smallest program on tesg.
//   fuse_pair CHECKPOINT IR_IMAGE VI_IMAGE OUT.png
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <iostream>

#include "tesg/fuser.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: fuse_pair CHECKPOINT IR_IMAGE VI_IMAGE OUT.png\n";
    return 2;
  }
  try {
    const tesg::Fuser fuser(argv[1]);  // load once, fuse many frames
    const cv::Mat ir = cv::imread(argv[2], cv::IMREAD_UNCHANGED);
    const cv::Mat vi = cv::imread(argv[3], cv::IMREAD_UNCHANGED);
    const auto stem = std::filesystem::path(argv[3]).stem().string();  // names the pair, as tesg-fuse does
    const cv::Mat fused = fuser.fuse(ir, vi, stem);                   // 8-bit BGR, the input's size
    if (!cv::imwrite(argv[4], fused)) throw tesg::Error(std::string(argv[4]) + ": cannot be written");
    std::cout << "tesg " << tesg::version() << " on " << fuser.device() << ": " << argv[4] << '\n';
    return 0;
  } catch (const tesg::Error& e) {
    std::cerr << "fuse_pair: " << e.what() << '\n';
    return 1;
  }
}

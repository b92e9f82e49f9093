#include "tesg/io/image.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image_decode.h"
#include "tesg/nn/color.h"

namespace tesg::io {
namespace {

bool channels_equal(const cv::Mat& bgr) {
  std::vector<cv::Mat> planes;
  cv::split(bgr, planes);
  return cv::countNonZero(planes[0] != planes[1]) == 0 &&
         cv::countNonZero(planes[1] != planes[2]) == 0;
}

// An 8- or 16-bit cv::Mat (1 or 3 channels, RGB order) -> float [C,H,W] in [0,1].
torch::Tensor to_tensor(const cv::Mat& image) {
  const double scale = image.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0;
  cv::Mat as_float;
  image.convertTo(as_float, CV_32F, scale);
  const auto t = torch::from_blob(as_float.data, {as_float.rows, as_float.cols, as_float.channels()},
                                  torch::kFloat32);
  // clone, not contiguous(): a 1-channel permute is already contiguous and would keep
  // pointing into the cv::Mat's buffer, which dies with this function.
  return t.permute({2, 0, 1}).clone(at::MemoryFormat::Contiguous);
}

}  // namespace

torch::Tensor image_from_mat(cv::Mat image, const std::string& name) {
  // `image` shares the caller's pixels: every conversion below writes to a new buffer.
  if (image.empty()) throw DataError(name + ": empty image");
  if (image.depth() != CV_8U && image.depth() != CV_16U) {
    throw DataError(name + ": unsupported pixel depth (expected 8- or 16-bit integers)");
  }
  switch (image.channels()) {
    case 1:
      break;
    case 4: {
      cv::Mat bgr;
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      image = bgr;
    }
      [[fallthrough]];
    case 3: {
      cv::Mat converted;
      if (channels_equal(image)) {
        cv::extractChannel(image, converted, 0);
      } else {
        cv::cvtColor(image, converted, cv::COLOR_BGR2RGB);
      }
      image = converted;
      break;
    }
    default:
      throw DataError(name + ": unsupported channel count " + std::to_string(image.channels()));
  }
  return to_tensor(image);
}

torch::Tensor visible_from_mat(const cv::Mat& image, const std::string& name) {
  const auto t = image_from_mat(image, name);
  return t.size(0) == 3 ? t : t.expand({3, -1, -1}).contiguous();
}

torch::Tensor infrared_from_mat(const cv::Mat& image, const std::string& name) {
  const auto t = image_from_mat(image, name);
  return t.size(0) == 1 ? t : nn::rgb_to_gray(t.unsqueeze(0)).squeeze(0);
}

torch::Tensor read_image(const std::string& path) {
  return image_from_mat(decode_image_file(path, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION), path);
}

torch::Tensor read_visible(const std::string& path) {
  return visible_from_mat(decode_image_file(path, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION), path);
}

torch::Tensor read_infrared(const std::string& path) {
  return infrared_from_mat(decode_image_file(path, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION), path);
}

torch::Tensor rgb_from_bgr_u8(const cv::Mat& bgr) {
  if (bgr.type() != CV_8UC3 || !bgr.isContinuous()) throw Error("rgb_from_bgr_u8: expected a continuous 8-bit BGR image");
  const auto hwc = torch::from_blob(bgr.data, {bgr.rows, bgr.cols, 3}, torch::kUInt8);
  return hwc.permute({2, 0, 1}).flip({0}).to(torch::kFloat32).div(255);
}

torch::Tensor to_uint8_hwc(const torch::Tensor& image) {
  const auto chw = image.dim() == 4 ? image.squeeze(0) : image;
  return chw.detach()
      .to(torch::kCPU, torch::kFloat32)
      .clamp(0, 1)
      .mul(255)
      .round()
      .to(torch::kUInt8)
      .permute({1, 2, 0})
      .contiguous();
}

cv::Mat to_bgr_mat(const torch::Tensor& image) {
  const auto bytes = to_uint8_hwc(image);
  const cv::Mat wrapped(static_cast<int>(bytes.size(0)), static_cast<int>(bytes.size(1)),
                        CV_8UC(static_cast<int>(bytes.size(2))), bytes.data_ptr());
  cv::Mat out;
  if (bytes.size(2) == 3) {
    cv::cvtColor(wrapped, out, cv::COLOR_RGB2BGR);  // copies out of the tensor
  } else {
    out = wrapped.clone();
  }
  return out;
}

void write_png(const std::string& path, const torch::Tensor& image) {
  const auto chw = image.dim() == 4 ? image.squeeze(0) : image;
  TORCH_CHECK(chw.dim() == 3 && (chw.size(0) == 1 || chw.size(0) == 3),
              "write_png: expected [C,H,W] with C = 1 or 3, got ", image.sizes());
  const cv::Mat mat = to_bgr_mat(chw);
  std::vector<uchar> encoded;
  if (!cv::imencode(".png", mat, encoded)) throw Error(path + ": PNG encoding failed");
  write_file_atomically(path, std::string(encoded.begin(), encoded.end()));
}

}  // namespace tesg::io

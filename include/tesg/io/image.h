#pragma once
// Image files <-> float tensors in [0,1] (DESIGN.md, Tensors and conventions). Needs OpenCV
// (built when TESG_WITH_OPENCV is ON).
#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include <string>

namespace tesg::io {

/// Reads PNG, JPEG, BMP or TIFF (8- or 16-bit; 1, 3 or 4 channels; alpha dropped) as float
/// [C,H,W] in [0,1], RGB order. C = 1 when the file is gray or its three channels are equal,
/// else 3. Throws DataError naming the file when it is missing or cannot be decoded.
torch::Tensor read_image(const std::string& path);

/// A visible image as [3,H,W] RGB (a gray file is replicated to three channels).
torch::Tensor read_visible(const std::string& path);

/// An infrared image as [1,H,W] (a colour file is reduced to BT.601 luma).
torch::Tensor read_infrared(const std::string& path);

/// A decoded image (8- or 16-bit; 1, 3 or 4 channels in OpenCV's BGR(A) order, as cv::imread
/// with IMREAD_UNCHANGED gives it) under the rules of read_image; `name` names it in errors.
/// The caller's pixels are left untouched.
torch::Tensor image_from_mat(cv::Mat image, const std::string& name);
/// ... as a visible image [3,H,W] RGB, as read_visible.
torch::Tensor visible_from_mat(const cv::Mat& image, const std::string& name);
/// ... as an infrared image [1,H,W], as read_infrared.
torch::Tensor infrared_from_mat(const cv::Mat& image, const std::string& name);

/// An 8-bit BGR cv::Mat (CV_8UC3, continuous) as float [3,H,W] RGB in [0,1], each level / 255, as
/// detectors and segmenters take it. Shares the Mat's pixels until the conversion copies them.
torch::Tensor rgb_from_bgr_u8(const cv::Mat& bgr);

/// [C,H,W] or [1,C,H,W] in [0,1] (any device, float type) -> [H,W,C] uint8 on the CPU, as
/// write_png stores it: clamped to [0,1], scaled to 0..255 and rounded.
torch::Tensor to_uint8_hwc(const torch::Tensor& image);

/// The same pixels as an 8-bit cv::Mat of its own: BGR for three channels, gray for one.
cv::Mat to_bgr_mat(const torch::Tensor& image);

/// Writes [C,H,W] (C = 1 or 3, RGB) or [1,C,H,W] in [0,1] as an 8-bit PNG: clamped to [0,1],
/// scaled to 0..255 and rounded. Written atomically (temporary file + rename).
void write_png(const std::string& path, const torch::Tensor& image);

}  // namespace tesg::io

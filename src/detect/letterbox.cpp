#include "tesg/detect/letterbox.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "tesg/error.h"
#include "tesg/io/image.h"

namespace tesg::detect {
namespace {

// Python's round() of the values LetterBox rounds (never a tie there: they are x.5 +- 0.1).
int64_t py_round(double v) { return static_cast<int64_t>(std::nearbyint(v)); }

cv::Mat resized(const cv::Mat& image, int64_t w, int64_t h) {
  if (image.cols == w && image.rows == h) return image;
  cv::Mat out;
  cv::resize(image, out, cv::Size(static_cast<int>(w), static_cast<int>(h)), 0, 0, cv::INTER_LINEAR);
  return out;
}

at::Tensor resized(const at::Tensor& images, int64_t w, int64_t h) {
  if (images.size(3) == w && images.size(2) == h) return images;
  namespace F = torch::nn::functional;
  return F::interpolate(images, F::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{h, w})
                                    .mode(torch::kBilinear)
                                    .align_corners(false));
}

}  // namespace

Letterbox Letterbox::fit(int64_t source_w, int64_t source_h, int64_t input_w, int64_t input_h) {
  if (source_w <= 0 || source_h <= 0 || input_w <= 0 || input_h <= 0)
    throw Error("letterbox: empty image or detector input");
  Letterbox g;
  g.source_w = source_w, g.source_h = source_h, g.input_w = input_w, g.input_h = input_h;
  // load_image(rect_mode=True): the long side to the input's long side, sides rounded up.
  const auto side = std::max(input_w, input_h);
  const double r = static_cast<double>(side) / static_cast<double>(std::max(source_w, source_h));
  g.loaded_w = source_w, g.loaded_h = source_h;
  if (r != 1.0) {
    g.loaded_w = std::min(static_cast<int64_t>(std::ceil(source_w * r)), side);
    g.loaded_h = std::min(static_cast<int64_t>(std::ceil(source_h * r)), side);
  }
  // LetterBox(scaleup=False, center=True).
  const double r2 = std::min({static_cast<double>(input_h) / g.loaded_h,
                              static_cast<double>(input_w) / g.loaded_w, 1.0});
  g.resized_w = std::max<int64_t>(py_round(g.loaded_w * r2), 1);
  g.resized_h = std::max<int64_t>(py_round(g.loaded_h * r2), 1);
  g.left = py_round((input_w - g.resized_w) / 2.0 - 0.1);
  g.top = py_round((input_h - g.resized_h) / 2.0 - 0.1);
  g.gain_x = static_cast<double>(g.loaded_w) / source_w * r2;
  g.gain_y = static_cast<double>(g.loaded_h) / source_h * r2;
  return g;
}

Letterbox Letterbox::fit_crop(int64_t crop_w, int64_t crop_h, int64_t frame_w, int64_t frame_h,
                              int64_t input_w, int64_t input_h) {
  if (crop_w <= 0 || crop_h <= 0) throw Error("letterbox: empty crop");
  Letterbox g = fit(frame_w, frame_h, input_w, input_h);
  g.source_w = crop_w, g.source_h = crop_h;
  g.loaded_w = g.resized_w = std::clamp<int64_t>(py_round(crop_w * g.gain_x), 1, input_w);
  g.loaded_h = g.resized_h = std::clamp<int64_t>(py_round(crop_h * g.gain_y), 1, input_h);
  g.left = py_round((input_w - g.resized_w) / 2.0 - 0.1);
  g.top = py_round((input_h - g.resized_h) / 2.0 - 0.1);
  g.gain_x = static_cast<double>(g.resized_w) / crop_w;
  g.gain_y = static_cast<double>(g.resized_h) / crop_h;
  return g;
}

Box Letterbox::to_source(const Box& b) const {
  const auto x = [&](float v) {
    return static_cast<float>(std::clamp((v - left) / gain_x, 0.0, static_cast<double>(source_w)));
  };
  const auto y = [&](float v) {
    return static_cast<float>(std::clamp((v - top) / gain_y, 0.0, static_cast<double>(source_h)));
  };
  return {x(b.x1), y(b.y1), x(b.x2), y(b.y2)};
}

Box Letterbox::to_input(const Box& b) const {
  const auto x = [&](float v) { return static_cast<float>(v * gain_x + left); };
  const auto y = [&](float v) { return static_cast<float>(v * gain_y + top); };
  return {x(b.x1), y(b.y1), x(b.x2), y(b.y2)};
}

at::Tensor letterbox_image(const cv::Mat& bgr, const Letterbox& g) {
  if (bgr.type() != CV_8UC3 || bgr.cols != g.source_w || bgr.rows != g.source_h)
    throw Error("letterbox: expected an 8-bit BGR image of the letterbox's source size");
  const auto image = resized(resized(bgr, g.loaded_w, g.loaded_h), g.resized_w, g.resized_h);
  cv::Mat padded;
  const auto bottom = g.input_h - g.resized_h - g.top, right = g.input_w - g.resized_w - g.left;
  cv::copyMakeBorder(image, padded, static_cast<int>(g.top), static_cast<int>(bottom),
                     static_cast<int>(g.left), static_cast<int>(right), cv::BORDER_CONSTANT,
                     cv::Scalar::all(kLetterboxPadValue));
  return io::rgb_from_bgr_u8(padded);
}

at::Tensor letterbox_tensor(const at::Tensor& images, const Letterbox& g) {
  if (images.dim() != 4 || images.size(1) != 3 || images.size(3) != g.source_w || images.size(2) != g.source_h)
    throw Error("letterbox: expected RGB images [B, 3, H, W] of the letterbox's source size");
  const auto image = resized(resized(images, g.loaded_w, g.loaded_h), g.resized_w, g.resized_h);
  const auto bottom = g.input_h - g.resized_h - g.top, right = g.input_w - g.resized_w - g.left;
  return torch::constant_pad_nd(image, {g.left, right, g.top, bottom}, kLetterboxPadValue / 255.0);
}

}  // namespace tesg::detect

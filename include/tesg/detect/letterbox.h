#pragma once
// Letterboxing an image into a detector's fixed input as ultralytics' validation does: the long
// side scaled to the input (aspect kept, bilinear), the rest padded with gray 114 around the
// centre; and boxes mapped back to the image. Needs OpenCV.
#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include <cstdint>

#include "tesg/detect/box.h"

namespace tesg::detect {

/// Gray level of the padding, as ultralytics' LetterBox.
constexpr int kLetterboxPadValue = 114;

/// Where an image of `source_w` x `source_h` lands in a `input_w` x `input_h` detector input.
struct Letterbox {
  int64_t source_w = 0, source_h = 0;
  int64_t loaded_w = 0, loaded_h = 0;    ///< after `load_image`: long side = the input's long side
  int64_t resized_w = 0, resized_h = 0;  ///< the image inside the input (differs from loaded_*
                                         ///< only for non-square inputs)
  int64_t left = 0, top = 0;             ///< padding before it
  int64_t input_w = 0, input_h = 0;
  double gain_x = 1, gain_y = 1;         ///< input pixels per image pixel

  /// Ultralytics' `load_image` (long side to the input, sides rounded up) then `LetterBox`.
  static Letterbox fit(int64_t source_w, int64_t source_h, int64_t input_w, int64_t input_h);
  /// A crop of a `frame_w` x `frame_h` frame at the scale `fit` gives the whole frame (at most
  /// the input), centred and padded: the detector sees the crop's objects at the size it sees them
  /// when it scores the frame.
  static Letterbox fit_crop(int64_t crop_w, int64_t crop_h, int64_t frame_w, int64_t frame_h, int64_t input_w,
                            int64_t input_h);
  /// A box of the detector input in image pixels, clipped to the image (`scale_boxes`).
  Box to_source(const Box& input_box) const;
  /// A box of the image in pixels of the detector input (the inverse of to_source, unclipped).
  Box to_input(const Box& source_box) const;
};

/// An 8-bit BGR image (any size; gray images given as 3 equal channels) letterboxed into
/// [3, input_h, input_w] float RGB in [0, 1].
at::Tensor letterbox_image(const cv::Mat& bgr, const Letterbox& geometry);

/// The same letterbox on a batch of float RGB images [B, 3, source_h, source_w] in [0, 1], as
/// differentiable tensor operations (bilinear resizes without antialiasing, as cv::resize's
/// INTER_LINEAR; constant padding): [B, 3, input_h, input_w], gradients flow back to `images`.
at::Tensor letterbox_tensor(const at::Tensor& images, const Letterbox& geometry);

}  // namespace tesg::detect

#pragma once
// The weight-free key-target masker (SIG backend `saliency`): hot targets of the infrared image,
// for training and fusion where the Stable Diffusion masks of Sec. 3.2 are not available.
#include <ATen/core/Tensor.h>

namespace tesg::sig {

struct SaliencyOptions {
  double blur_sigma = 1.0;       ///< Gaussian smoothing of the infrared image, in pixels
  double threshold_k = 2.0;      ///< hot = above max(Otsu, mean + k * std) of the smoothed image
  int open_radius = 1;           ///< morphological opening radius: removes speckle
  int close_radius = 3;          ///< morphological closing radius: fills holes in targets
  double min_area = 2e-4;        ///< smallest kept target, as a fraction of the image area
};

/// Key-target mask of an infrared image [1,H,W] in [0,1]: smoothed, thresholded at
/// max(Otsu, mean + k std) (hot targets stand out from the scene), opened, closed, and connected
/// components smaller than `min_area` dropped. Returns [1,H,W] float in {0,1}.
torch::Tensor saliency_mask(const torch::Tensor& ir, const SaliencyOptions& options = {});

}  // namespace tesg::sig

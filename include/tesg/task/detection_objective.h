#pragma once
// The unlabelled objective of task-driven training: what a frozen detector sees in either source,
// it must see in the fused image, as confidently and at the same place.
//
// Why this form: the detector's candidates are a fixed grid (anchor x cell x scale), so the
// candidate n of the infrared, the visible and the fused image look at the same place, and the
// more confident source is a per-candidate teacher. A hinge up to the teacher's score (never
// beyond it) rewards only keeping what a source shows: a texture that makes the detector fire
// where neither source has an object gains nothing, and neither does pushing a real object past
// the source's confidence. That guards against fooling the one detector in the loop; the box term
// keeps the object where the teacher put it (the detail swaps of a fusion move edges and boxes).
// Labels, where a split has them, only edit the teacher: a candidate whose box overlaps a label
// box gets at least `label_score` for the label's class and the label's box.
#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "tesg/detect/box.h"

namespace tesg::task {

struct DetectionObjectiveOptions {
  /// A source score above this makes (candidate, class) a target.
  TORCH_ARG(double, confident) = 0.25;
  /// Weight of the box agreement against the score hinge.
  TORCH_ARG(double, box_weight) = 1.0;
  /// A candidate matches a label box when any of its three boxes overlaps it this much (IoU).
  TORCH_ARG(double, label_iou) = 0.5;
  /// The score a matched candidate must reach for the label's class (at least; a more confident
  /// source keeps its own score as the target).
  TORCH_ARG(double, label_score) = 0.5;
};

/// The terms of one evaluation, each a scalar tensor (the fused candidates' graph).
struct DetectionObjectiveTerms {
  at::Tensor total;   ///< score + box_weight * box
  at::Tensor score;   ///< mean over targets of max(0, teacher score - fused score)
  at::Tensor box;     ///< mean over target candidates of |fused box - teacher box| / teacher size
  int64_t targets = 0;  ///< (candidate, class) targets of the hinge
};

/// Labelled objects of one image in the detector's input pixels, `cls` = the class column
/// (0..K-1 of the candidates' class scores); nullopt = the image has no labels.
using ImageLabels = std::optional<detect::Objects>;

/// Candidates [B, N, 4 + K] (cx, cy, w, h in input pixels, K class scores) of the fused image
/// (with gradients) and of the infrared and visible images (their gradients are not used).
/// `labels` is empty or one entry per image. Zero when every target candidate of the fused image
/// scores at least its teacher and has the teacher's box, in particular when the fused image's
/// candidates equal those of the more confident source.
DetectionObjectiveTerms detection_objective(const at::Tensor& fused, const at::Tensor& ir,
                                            const at::Tensor& vi,
                                            const DetectionObjectiveOptions& options = {},
                                            const std::vector<ImageLabels>& labels = {});

}  // namespace tesg::task

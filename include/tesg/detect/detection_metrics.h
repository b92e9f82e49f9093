#pragma once
// Detection accuracy exactly as ultralytics' validator computes it: predictions matched to
// labels at IoU 0.50:0.05:0.95 (`match_predictions`), per-class AP from the 101-point
// interpolated precision envelope (`ap_per_class`, `compute_ap`), precision and recall at the
// confidence of maximum mean F1; plus bootstrap intervals over images, which it does not give.
#include <array>
#include <cstdint>
#include <vector>

#include "tesg/detect/box.h"

namespace tesg::detect {

constexpr int kIouThresholds = 10;
using Hits = std::array<bool, kIouThresholds>;

/// torch.linspace(0.5, 0.95, 10) in float32, as the validator's `iouv`.
const std::array<float, kIouThresholds>& iou_thresholds();

/// One image's predictions matched to its labels: what ap_per_class needs of it.
struct ImageMatches {
  std::vector<float> conf;
  std::vector<int> pred_cls;
  std::vector<Hits> correct;    ///< per prediction: a true positive at each IoU threshold
  std::vector<int> target_cls;  ///< the labels' classes
};

/// Greedy matching of `predictions` (by descending score) to `labels` of the same class, each
/// label claimed at most once per threshold: ultralytics' `match_predictions`.
ImageMatches match_image(const Detections& predictions, const Objects& labels);

struct ClassScores {
  int cls = 0;
  int64_t labels = 0, predictions = 0;
  std::array<double, kIouThresholds> ap{};  ///< AP at each IoU threshold
  double precision = 0, recall = 0, f1 = 0;  ///< at the confidence of maximum mean F1
  double ap50() const { return ap[0]; }
  double ap75() const { return ap[5]; }
  double ap50_95() const;
};

/// ultralytics' DetMetrics: means over the classes that have labels (a class without labels is
/// left out; one with labels but no predictions counts as 0).
struct DetectionScores {
  std::vector<ClassScores> classes;  ///< by class id, only classes with labels
  double precision = 0, recall = 0, map50 = 0, map75 = 0, map50_95 = 0;
  int64_t images = 0, labels = 0, predictions = 0;
};

/// ap_per_class over the concatenation of `images`.
DetectionScores score_detections(const std::vector<const ImageMatches*>& images);
DetectionScores score_detections(const std::vector<ImageMatches>& images);

/// A two-sided percentile interval.
struct Interval {
  double low = 0, high = 0;
};

struct BootstrapOptions {
  int resamples = 1000;
  uint64_t seed = 0;
  double level = 0.95;
};

/// Intervals of one row (method) under resampling of the images.
struct RowIntervals {
  Interval map50, map50_95;
  Interval diff_map50, diff_map50_95;  ///< of (row - reference row), paired over the same images
};

/// `rows[m][i]`: method m on image i (nullptr where the method has no result for that image).
/// Each resample draws images with replacement from all images; a row is scored on the drawn
/// images it has. Deterministic for a seed.
std::vector<RowIntervals> bootstrap_intervals(const std::vector<std::vector<const ImageMatches*>>& rows,
                                              int reference, const BootstrapOptions& options);

}  // namespace tesg::detect

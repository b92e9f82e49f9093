#pragma once
// Semantic segmentation scores from a confusion matrix: per-class IoU, mIoU, pixel accuracy, as
// the field reports them (MSRS's Table 3: DeepLabV3+ per-class IoU and mIoU).
#include <cstdint>
#include <string>
#include <vector>

namespace tesg::segment {

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int num_classes = 0);

  /// Counts `n` pixels of label and prediction class ids (row-major, same size). Pixels whose
  /// label is `ignore_index` are skipped. Throws tesg::Error naming the value for a label or
  /// prediction outside 0..num_classes-1 (other than ignore_index in the label).
  void add(const uint8_t* label, const uint8_t* prediction, int64_t n, int ignore_index);
  void add(const ConfusionMatrix& other);

  int num_classes() const { return num_classes_; }
  /// Pixels of label class `label` predicted as `predicted`.
  int64_t count(int label, int predicted) const { return counts_[label * num_classes_ + predicted]; }

  /// TP / (TP + FP + FN) per class; NaN for a class in neither labels nor predictions.
  std::vector<double> iou() const;
  /// The mean IoU over the classes that are not NaN.
  double mean_iou() const;
  /// Correct pixels / counted pixels.
  double pixel_accuracy() const;

 private:
  int num_classes_;
  std::vector<int64_t> counts_;
};

}  // namespace tesg::segment

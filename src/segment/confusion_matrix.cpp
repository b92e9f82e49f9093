#include "tesg/segment/confusion_matrix.h"

#include <cmath>

#include "tesg/error.h"

namespace tesg::segment {

ConfusionMatrix::ConfusionMatrix(int num_classes)
    : num_classes_(num_classes), counts_(static_cast<size_t>(num_classes) * num_classes, 0) {}

void ConfusionMatrix::add(const uint8_t* label, const uint8_t* prediction, int64_t n, int ignore_index) {
  for (int64_t i = 0; i < n; ++i) {
    if (label[i] == ignore_index) continue;
    if (label[i] >= num_classes_)
      throw Error("label value " + std::to_string(label[i]) + " outside 0.." + std::to_string(num_classes_ - 1));
    if (prediction[i] >= num_classes_)
      throw Error("predicted value " + std::to_string(prediction[i]) + " outside 0.." +
                  std::to_string(num_classes_ - 1));
    ++counts_[label[i] * num_classes_ + prediction[i]];
  }
}

void ConfusionMatrix::add(const ConfusionMatrix& other) {
  if (other.num_classes_ != num_classes_) throw Error("confusion matrices of different class counts");
  for (size_t k = 0; k < counts_.size(); ++k) counts_[k] += other.counts_[k];
}

std::vector<double> ConfusionMatrix::iou() const {
  std::vector<double> out(num_classes_);
  for (int c = 0; c < num_classes_; ++c) {
    int64_t row = 0, col = 0;
    for (int k = 0; k < num_classes_; ++k) row += count(c, k), col += count(k, c);
    const int64_t tp = count(c, c), denominator = row + col - tp;
    out[c] = denominator == 0 ? std::nan("") : static_cast<double>(tp) / static_cast<double>(denominator);
  }
  return out;
}

double ConfusionMatrix::mean_iou() const {
  double sum = 0;
  int n = 0;
  for (const double v : iou())
    if (!std::isnan(v)) sum += v, ++n;
  return n ? sum / n : std::nan("");
}

double ConfusionMatrix::pixel_accuracy() const {
  int64_t correct = 0, total = 0;
  for (int c = 0; c < num_classes_; ++c) {
    correct += count(c, c);
    for (int k = 0; k < num_classes_; ++k) total += count(c, k);
  }
  return total ? static_cast<double>(correct) / static_cast<double>(total) : std::nan("");
}

}  // namespace tesg::segment

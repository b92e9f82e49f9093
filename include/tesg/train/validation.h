#pragma once
// Validation during training: fuse held-out pairs at full size and score them with the metrics.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/nn/tesg.h"

namespace tesg::train {

class ValidationSet {
 public:
  /// Reads the pairs of `config.data.val` with their SIG inputs (computed once, by the
  /// configured backends); pairs that cannot be read are skipped with a warning.
  explicit ValidationSet(const Config& config);
  ~ValidationSet();
  bool empty() const;
  /// Mean of EN, SD, SCD, VIF, Qabf and `train.best_metric` over the pairs, the fused images
  /// scored as the evaluator would score the written PNGs. Runs on the model's device.
  std::map<std::string, double> evaluate(nn::TeSG& model) const;

 private:
  struct Pairs;
  std::unique_ptr<Pairs> pairs_;
  std::vector<std::string> names_;
};

}  // namespace tesg::train

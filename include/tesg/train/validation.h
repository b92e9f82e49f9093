#pragma once
// Validation during training: fuse held-out pairs at full size and score them with the metrics.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"
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
  /// scored as the evaluator would score the written PNGs, and "vs_max": the smallest of the
  /// five means as a fraction of max-luma fusion's (> 1: better than max fusion on all five).
  /// Runs on the model's device.
  std::map<std::string, double> evaluate(nn::TeSG& model) const;
  /// The same means for max-luma fusion (computed once).
  const std::map<std::string, double>& max_fusion_scores() const;

 private:
  using FuseOne = std::function<torch::Tensor(const data::FusionSample&)>;
  std::map<std::string, double> mean_scores(const FuseOne& fuse) const;
  struct Pairs;
  std::unique_ptr<Pairs> pairs_;
  std::vector<std::string> names_;
  mutable std::map<std::string, double> max_fusion_;
};

}  // namespace tesg::train

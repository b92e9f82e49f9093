#pragma once
// Validation during training: fuse held-out pairs at full size and score them with the metrics.
#include <map>
#include <string>

#include "tesg/config.h"
#include "tesg/nn/tesg.h"

namespace tesg::train {

/// Mean of EN, SD, SCD, VIF, Qabf and `config.train.best_metric` over every pair of
/// `config.data.val`, the fused images scored as the evaluator would score the written PNGs.
/// Masks come from the weight-free masker; pairs that cannot be read are skipped.
std::map<std::string, double> validate(nn::TeSG& model, const Config& config);

}  // namespace tesg::train

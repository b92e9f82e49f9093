#pragma once
// The weight-free maskers of the config's `sig.masker`: saliency, file, none.
#include <ATen/core/Tensor.h>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"

namespace tesg::sig {

/// Key-target mask [1,H,W] in {0,1} of a pair by the configured weight-free masker: `saliency`
/// (infrared hot targets), `file` (<masks_dir>/<stem>.<ext>, non-zero = target) or `none`
/// (empty). Throws DataError for a missing or wrongly sized mask file, ConfigError otherwise.
torch::Tensor make_mask(const SigConfig& config, const data::FusionSample& sample);

}  // namespace tesg::sig

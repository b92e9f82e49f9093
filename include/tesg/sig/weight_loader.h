#pragma once
// Copies the tensors of a safetensors file into a module whose parameter and buffer names are
// the Hugging Face / diffusers names, reporting every missing, unexpected and wrongly shaped one.
#include <torch/nn/module.h>

#include <functional>
#include <string>
#include <vector>

#include "tesg/sig/safetensors.h"

namespace tesg::sig {

struct WeightLoadOptions {
  std::string prefix;  ///< prepended to module names to find file names (e.g. "text_model.")
  /// Maps a file name onto the module's naming ("" = drop); applied before matching.
  std::function<std::string(const std::string&)> rename;
  std::vector<std::string> ignore;  ///< file names ending so are neither loaded nor unexpected
};

struct WeightLoadReport {
  std::vector<std::string> unexpected;  ///< in the file but not in the module (ignored)
};

/// Loads every parameter and buffer of `module` from `file` (converted to the module's dtype;
/// 1x1-conv-shaped [O,I,1,1] tensors fill [O,I] weights). Throws CheckpointError naming the
/// file and the first missing tensors or the shape mismatches. Unexpected names are returned.
WeightLoadReport load_weights(torch::nn::Module& module, const SafetensorsFile& file,
                              const WeightLoadOptions& options = {});

}  // namespace tesg::sig

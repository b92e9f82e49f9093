#pragma once
// One training or fusion sample: the images of a pair plus its SIG outputs.
#include <ATen/core/Tensor.h>

#include <string>

#include "tesg/data/pair_discovery.h"

namespace tesg::data {

struct FusionSample {
  std::string stem;
  torch::Tensor vi;    ///< [3,H,W] RGB in [0,1]
  torch::Tensor ir;    ///< [1,H,W] in [0,1]
  torch::Tensor mask;  ///< [1,H,W] in {0,1}
  torch::Tensor ft;    ///< [L,D] text semantics; undefined = none (the model's null text)
};

/// Reads a pair's images; the mask starts empty (zeros) until SIG outputs are attached.
/// Throws DataError naming both files when their sizes differ, or the unreadable file.
FusionSample load_pair(const ImagePair& pair);

}  // namespace tesg::data

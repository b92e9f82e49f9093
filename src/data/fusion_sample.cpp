#include "tesg/data/fusion_sample.h"

#include <torch/torch.h>

#include "tesg/error.h"
#include "tesg/io/image.h"

namespace tesg::data {
namespace {

std::string size_text(const torch::Tensor& chw) {
  return std::to_string(chw.size(2)) + "x" + std::to_string(chw.size(1));
}

}  // namespace

FusionSample load_pair(const ImagePair& pair) {
  FusionSample sample;
  sample.stem = pair.stem;
  sample.vi = io::read_visible(pair.vi);
  sample.ir = io::read_infrared(pair.ir);
  if (sample.vi.sizes().slice(1) != sample.ir.sizes().slice(1)) {
    throw DataError(pair.vi + ": " + size_text(sample.vi) + " != ir " + size_text(sample.ir) +
                    " (" + pair.ir + ")");
  }
  sample.mask = torch::zeros_like(sample.ir);
  return sample;
}

}  // namespace tesg::data

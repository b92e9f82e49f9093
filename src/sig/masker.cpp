#include "tesg/sig/masker.h"

#include <torch/torch.h>

#include <filesystem>

#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/io/image.h"
#include "tesg/sig/saliency_masker.h"

namespace tesg::sig {
namespace fs = std::filesystem;
namespace {

SaliencyOptions saliency_options(const SigConfig& c) {
  SaliencyOptions o;
  o.blur_sigma = c.saliency_blur_sigma;
  o.threshold_k = c.saliency_threshold_k;
  o.open_radius = static_cast<int>(c.saliency_open);
  o.close_radius = static_cast<int>(c.saliency_close);
  o.min_area = c.saliency_min_area;
  return o;
}

torch::Tensor mask_from_file(const std::string& dir, const data::FusionSample& sample) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().stem() == sample.stem && data::is_image_file(entry.path().string())) {
      const auto mask = io::read_infrared(entry.path().string());
      if (mask.sizes() != sample.ir.sizes()) {
        throw DataError(entry.path().string() + ": mask size differs from the pair's");
      }
      return (mask > 0).to(torch::kFloat32);
    }
  }
  throw DataError(dir + ": no mask file for pair '" + sample.stem + "'");
}

}  // namespace

torch::Tensor make_mask(const SigConfig& config, const data::FusionSample& sample) {
  if (config.masker == "saliency") return saliency_mask(sample.ir, saliency_options(config));
  if (config.masker == "none") return torch::zeros_like(sample.ir);
  if (config.masker == "file") return mask_from_file(config.masks_dir, sample);
  throw ConfigError("sig.masker: '" + config.masker + "' is not a weight-free masker");
}

}  // namespace tesg::sig

#include "tesg/infer/sig_inputs.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "tesg/sig/pair_sig.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::infer {

SigInputs::SigInputs(const SigConfig& config, const std::string& cache_dir) {
  if (cache_dir.empty()) {
    compute_ = std::make_unique<sig::PairSig>(config);
    backends_ = sig::sig_fingerprint(config);
  } else {
    backends_ = sig::read_cache_fingerprint(cache_dir);
    cache_ = std::make_unique<sig::SigCache>(cache_dir, backends_, /*create=*/false);
  }
}

SigInputs::~SigInputs() = default;

void SigInputs::attach(data::FusionSample& sample) const {
  if (compute_) {
    compute_->attach(sample);
    return;
  }
  sample.mask = cache_->read_mask(sample.stem, sample.ir.size(1), sample.ir.size(2));
  sample.ft = cache_->has_text(sample.stem) ? cache_->read_text(sample.stem) : torch::Tensor();
}

bool warn_on_backend_mismatch(const std::string& trained, const std::string& used) {
  if (trained.empty() || trained == used) return false;
  spdlog::warn("SIG backends differ: the checkpoint was trained with '{}', fusing with '{}'",
               trained, used);
  return true;
}

}  // namespace tesg::infer

#pragma once
// The semantic inputs (mask M, text semantics Ft) of each pair at fusion time: read from a SIG
// cache made by tesg-sig, or computed on the fly with the weight-free backends.
#include <memory>
#include <string>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"

namespace tesg::sig {
class SigCache;
class PairSig;
}

namespace tesg::infer {

class SigInputs {
 public:
  /// From the cache in `cache_dir` when it is not empty (whatever settings made it), else
  /// computed per pair with the backends of `config` (native ones loaded here). Throws
  /// DataError for an unusable cache, ConfigError for a backend that cannot run as configured.
  SigInputs(const SigConfig& config, const std::string& cache_dir);
  ~SigInputs();

  /// Sets `sample.mask` and `sample.ft` (undefined without text semantics). Throws DataError
  /// naming the cache file that is missing or wrong. Thread-safe.
  void attach(data::FusionSample& sample) const;
  /// The backends in use, as a SIG fingerprint ("masker=saliency(...) captioner=none ...").
  const std::string& backends() const { return backends_; }

 private:
  std::unique_ptr<sig::PairSig> compute_;
  std::unique_ptr<sig::SigCache> cache_;
  std::string backends_;
};

/// Logs a warning naming both when the backends a model was trained with differ from those
/// fusing with; returns whether they differ.
bool warn_on_backend_mismatch(const std::string& trained, const std::string& used);

}  // namespace tesg::infer

#pragma once
// Filling a SIG cache for a dataset folder with the configured backends (tesg-sig).
#include <string>
#include <vector>

#include "tesg/config.h"

namespace tesg::sig {

struct SigBuildReport {
  int64_t pairs = 0;    ///< pairs in the dataset folder
  int64_t written = 0;  ///< masks computed and written
  int64_t kept = 0;     ///< masks already in the cache, kept (no overwrite)
  std::vector<std::string> failures;          ///< one line per pair that failed
  std::vector<std::string> dataset_problems;  ///< unpaired files
  double seconds = 0;
};

/// Throws ConfigError when `config` names a backend this build cannot run (the native BLIP /
/// CLIP / Stable Diffusion ones) or a masks folder that does not exist.
void require_weight_free_backends(const SigConfig& config);

/// Runs the weight-free backends (masker saliency | file | none, captioner file | none, text
/// encoder none) on every pair of `data_dir` into the cache at `cache_dir`. Existing masks are
/// kept unless `overwrite`. Bad pairs are reported, the rest is written. Throws ConfigError for a
/// backend this build cannot run, DataError for an unusable folder or a stale cache.
SigBuildReport build_sig_cache(const SigConfig& config, const std::string& data_dir,
                               const std::string& split, const std::string& cache_dir,
                               bool overwrite);

}  // namespace tesg::sig

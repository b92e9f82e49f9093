#pragma once
// Filling a SIG cache for a dataset folder with the configured backends (tesg-sig).
#include <string>
#include <vector>

#include "tesg/config.h"

namespace tesg::cluster {
class BatchRanks;
}

namespace tesg::sig {

struct SigBuildReport {
  int64_t pairs = 0;    ///< pairs in the dataset folder
  int64_t written = 0;  ///< masks computed and written
  int64_t kept = 0;     ///< masks already in the cache, kept (no overwrite)
  std::vector<std::string> failures;          ///< one line per pair that failed
  std::vector<std::string> dataset_problems;  ///< unpaired files
  double seconds = 0;
};

/// Runs the configured backends (masker saliency | file | none | diffedit, captioner file | blip
/// | none, text encoder clip | none) on every pair of `data_dir` into the cache at `cache_dir`.
/// Pairs already complete in the cache are kept unless `overwrite`. Bad pairs are reported, the
/// rest is written. Throws ConfigError for a backend that cannot run as configured, DataError
/// for an unusable folder or a stale cache.
/// With `ranks` of several processes each does its shard of the sorted pairs; rank 0 writes the
/// captions of all and returns the report of all ranks (the others return their own).
SigBuildReport build_sig_cache(const SigConfig& config, const std::string& data_dir,
                               const std::string& split, const std::string& cache_dir,
                               bool overwrite, cluster::BatchRanks* ranks = nullptr);

}  // namespace tesg::sig

#pragma once
// Batch fusion of dataset folders (tesg-fuse): pairs decoded and encoded by a small I/O thread
// pool while the network fuses, outputs of exactly the input size written atomically, bad
// pairs reported and skipped, existing outputs kept unless asked to overwrite.
#include <cstdint>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/infer/fuse_fn.h"
#include "tesg/infer/sig_inputs.h"

namespace tesg::cluster {
class BatchRanks;
}

namespace tesg::infer {

struct FuseOutputs {
  bool overwrite = false;  ///< replace existing outputs (else they are kept and counted)
  bool gray = false;       ///< also write the luma of each fused image
  bool grid = false;       ///< also write comparison images (and a contact sheet for folders)
};

struct FuseSummary {
  std::string method;                 ///< what fused, e.g. the checkpoint path or "avg"
  std::string device;                 ///< cpu, cuda:0, ...
  std::string output;                 ///< output folder or file
  int64_t pairs = 0;                  ///< pairs found
  int64_t fused = 0;                  ///< pairs fused and written
  int64_t skipped = 0;                ///< pairs whose output existed and was kept
  std::vector<std::string> failures;  ///< one line per pair that failed (the rest was fused)
  std::vector<std::string> problems;  ///< files of the folder that could not be paired
  double seconds = 0;                 ///< wall time of the whole job
  double compute_seconds = 0;         ///< time in the fusion method alone
  double megapixels = 0;              ///< pixels fused, in millions
  double peak_rss_mib = 0;            ///< peak resident memory of the process
  double peak_gpu_mib = 0;            ///< peak CUDA memory held by LibTorch (0 on the CPU)

  bool ok() const { return failures.empty() && problems.empty(); }
  double images_per_s() const { return seconds > 0 ? double(fused) / seconds : 0; }
  double ms_per_image() const { return fused ? 1e3 * compute_seconds / double(fused) : 0; }
  double ms_per_megapixel() const { return megapixels > 0 ? 1e3 * compute_seconds / megapixels : 0; }
};

/// Fuses every pair of `data_dir` (any dataset layout; `split` for nested ones) into
/// `<out_dir>/<stem>.png` (+ `gray/<stem>.png`, `grid/<stem>.png`, `contact_sheet.png`).
/// Throws DataError when the folder holds no dataset layout; per-pair problems are reported.
/// With `ranks` of several processes each fuses its shard of the sorted pairs; rank 0 writes the
/// contact sheet and returns the summary of all ranks (the others return their own).
FuseSummary fuse_folder(const FuseFn& fuse, const SigInputs& sig, const std::string& data_dir,
                        const std::string& split, const std::string& out_dir,
                        const FuseOutputs& outputs, const FuseConfig& config,
                        cluster::BatchRanks* ranks = nullptr);

/// Fuses one pair into `out_file` (+ `<name>_gray.png`, `<name>_grid.png` beside it).
FuseSummary fuse_pair_files(const FuseFn& fuse, const SigInputs& sig, const std::string& ir,
                            const std::string& vi, const std::string& out_file,
                            const FuseOutputs& outputs, const FuseConfig& config);

/// The summary as JSON, and as the lines the app prints.
std::string summary_json(const FuseSummary& summary);
/// The summary of summary_json's text.
FuseSummary summary_from_json(const std::string& json);
/// One summary of the ranks' shards: counts and times added, wall time and memory the largest,
/// failures in pair order, dataset problems (the same on every rank) once.
FuseSummary merge_summaries(const std::vector<FuseSummary>& shards);
std::vector<std::string> summary_lines(const FuseSummary& summary);

/// Writes summary_json to `path` atomically.
void write_summary_json(const std::string& path, const FuseSummary& summary);

}  // namespace tesg::infer

#pragma once
// Scoring folders of fused images against a dataset split: the library behind tesg-eval.
#include <string>
#include <vector>

#include "tesg/metrics/fusion_metrics.h"

namespace tesg::cluster {
class BatchRanks;
}

namespace tesg::metrics {

/// One method's fused images: one file per pair stem, any usual image extension.
struct FusedFolder {
  std::string name;  ///< column label, e.g. "TeSG"
  std::string dir;
};

/// A command-line `NAME=DIR`, or `DIR` named after its folder.
FusedFolder parse_fused_folder(const std::string& arg);
/// parse_fused_folder of each argument, in order.
std::vector<FusedFolder> parse_fused_folders(const std::vector<std::string>& args);

struct EvaluationOptions {
  std::vector<std::string> metrics = default_metric_names();
  std::string split;  ///< split sub-folder of nested dataset layouts ("" = the only one)
  int threads = 0;    ///< worker threads, 0 = every core
};

struct ImageScores {
  std::string stem;
  std::vector<double> values;  ///< in the order of EvaluationReport::metrics
};

struct MethodScores {
  std::string name;
  std::vector<ImageScores> images;    ///< evaluated pairs, sorted by stem
  std::vector<std::string> failures;  ///< one line per pair that could not be scored
  std::vector<double> mean, stddev;   ///< per metric over the evaluated images (population std)
};

struct EvaluationReport {
  std::vector<MetricInfo> metrics;
  std::vector<MethodScores> methods;
  int64_t pairs = 0;                       ///< pairs in the dataset split
  std::vector<std::string> dataset_problems;  ///< unpaired source files
  double seconds = 0;
  bool complete() const;  ///< every pair scored for every method, no dataset problem
};

/// Scores every pair of `data_dir` for every folder in `fused`, pairs in parallel. Bad items
/// (missing fused image, size mismatch, unreadable file) are recorded per method, not thrown.
/// Throws DataError when `data_dir` itself has no pairs layout, Error for an unknown metric.
/// With `ranks` of several processes each scores its shard of the sorted pairs; rank 0 returns
/// the report of all (the others their own, unsummarised).
EvaluationReport evaluate_folders(const std::string& data_dir,
                                  const std::vector<FusedFolder>& fused,
                                  const EvaluationOptions& options = {},
                                  cluster::BatchRanks* ranks = nullptr);

/// Sorts `m.images` by stem and sets its mean and stddev over the images (NaN values left out).
void summarise(MethodScores& m, size_t metric_count);

/// Methods x metrics table (mean ± std), best mean per metric in bold.
std::string summary_markdown(const EvaluationReport& report);
/// Writes `<method>_per_image.csv` per method (characters other than letters, digits, `.`, `-`
/// and `+` of the name as `_`) and summary.{md,csv,json} into `out_dir` (created if needed),
/// each atomically.
void write_reports(const EvaluationReport& report, const std::string& out_dir);

}  // namespace tesg::metrics

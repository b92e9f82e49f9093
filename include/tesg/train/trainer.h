#pragma once
// The training loop of tesg-train (paper Sec. 4.1 + DESIGN.md, Training).
#include <cstdint>
#include <set>
#include <string>

#include "tesg/config.h"

namespace tesg::cluster {
class DataParallel;
}

namespace tesg::train {

using cluster::DataParallel;

struct TrainOptions {
  std::string resume;               ///< checkpoint to continue from ("" = as train.resume says)
  int64_t stop_after_steps = -1;    ///< stop after this many steps of this run, saving last.pt
  double stop_after_seconds = -1;   ///< stop at the first epoch end this long after the start,
                                    ///< validating that epoch and saving last.pt
  std::set<int64_t> nan_steps;      ///< fault injection for tests: these steps' loss is NaN
};

struct TrainSummary {
  int64_t steps = 0;          ///< optimizer steps done in total (resumed ones included)
  int64_t skipped_steps = 0;  ///< steps skipped for a non-finite loss in this run
  double last_loss = 0;
  bool stopped_by_signal = false;  ///< a stop signal (cluster/stop_signals.h) ended it, last.pt saved
};

/// Trains TeSG as `config` says, writing into config.output.dir: config.yaml (resolved),
/// last.pt (resumable, every output.save_every epochs and at the end), best.pt (weights with
/// the best validation train.best_metric), model.pt (final weights), log.csv, val.csv and
/// curves.png (refreshed every epoch).
/// With `dp` the batch is split over its ranks; rank 0 alone logs and writes.
TrainSummary train(const Config& config, const TrainOptions& options, DataParallel* dp = nullptr);

}  // namespace tesg::train

#pragma once
// The training curve picture of a run folder: loss per logged step and validation metrics per
// epoch, drawn from log.csv and val.csv.
#include <string>

namespace tesg::train {

/// Draws `log_csv` (column "loss" against "step") and, when it exists, `val_csv` (every metric
/// column against "epoch", each scaled to its own range) into the PNG `out`, atomically.
void write_curves_png(const std::string& log_csv, const std::string& val_csv,
                      const std::string& out);

}  // namespace tesg::train

#pragma once
#include <cstdint>

#include "tesg/config.h"

namespace tesg::train {

/// Learning rate before optimizer step `step` (0-based): linear warm-up from
/// lr * warmup_factor to lr over warmup_epochs, then poly decay lr * (1 - p)^poly_power with p the
/// fraction of the post-warm-up steps done (DESIGN.md, Training).
double scheduled_lr(const TrainConfig& config, int64_t step, int64_t steps_per_epoch);

}  // namespace tesg::train

#include "tesg/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace tesg::train {

double scheduled_lr(const TrainConfig& c, int64_t step, int64_t steps_per_epoch) {
  const auto warmup = static_cast<int64_t>(std::llround(c.warmup_epochs * steps_per_epoch));
  const int64_t total = c.epochs * steps_per_epoch;
  if (step < warmup) {
    const double t = static_cast<double>(step) / static_cast<double>(warmup);
    return c.lr * (c.warmup_factor + (1 - c.warmup_factor) * t);
  }
  const double p = total > warmup ? static_cast<double>(step - warmup) /
                                        static_cast<double>(total - warmup)
                                  : 1.0;
  return c.lr * std::pow(std::max(0.0, 1 - p), c.poly_power);
}

}  // namespace tesg::train

#pragma once
// Which checkpoint a training run continues from (train.resume), so that a job restarted by
// torchrun, Slurm's requeue or a person never starts from scratch over its own run, nor
// continues a run folder made by another config.
#include <string>

#include "tesg/config.h"

namespace tesg::train {

/// The checkpoint to resume ("" = start fresh) under config.train.resume:
///   auto   <output.dir>/last.pt when it exists; throws ConfigError when <output.dir>/config.yaml
///          holds another config (keys of the machine, not the run, may differ: train.threads,
///          device, dist_timeout_s, resume, and the sections output and fuse)
///   never  start fresh (what output.dir holds is overwritten)
///   PATH   that checkpoint
std::string checkpoint_to_resume(const Config& config);

}  // namespace tesg::train

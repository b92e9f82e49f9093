#pragma once
// A trained TeSG loaded from a checkpoint for fusion: built from the config the checkpoint
// carries, on the configured device and precision, with tiling of large frames.
#include <memory>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/infer/fuse_fn.h"
#include "tesg/train/checkpoint.h"

namespace tesg::infer {

/// The config a checkpoint was trained with, then `overrides` ("section.key=value"). Throws
/// CheckpointError for an unreadable checkpoint, ConfigError for a bad override.
Config checkpoint_config(const std::string& checkpoint, const std::vector<std::string>& overrides = {});

class FusionModel {
 public:
  /// Loads the weights of `checkpoint` (weights-only or training) into a TeSG built from
  /// `config.model`, on `config.fuse.device` in `config.fuse.precision`. Throws
  /// CheckpointError for a wrong checkpoint, ConfigError for a device or precision this
  /// machine does not have.
  FusionModel(const std::string& checkpoint, const Config& config);
  ~FusionModel();

  /// Fuses a batch (see FuseFn); frames above `fuse.tile_pixels` are fused in tiles.
  torch::Tensor fuse(const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
                     const torch::Tensor& ft) const;
  /// `fuse` as a FuseFn (valid while this model lives).
  FuseFn as_fuse_fn() const;
  const train::CheckpointInfo& info() const { return info_; }
  std::string device() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  train::CheckpointInfo info_;
};

}  // namespace tesg::infer

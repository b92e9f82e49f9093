#pragma once
// Mixed-precision training on CUDA (train.amp): autocast around the forward pass and, for fp16,
// dynamic loss scaling as torch.cuda.amp.GradScaler does it.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tesg::train {

/// Autocast to fp16 or bf16 on CUDA while alive; nothing for "none".
class AutocastScope {
 public:
  explicit AutocastScope(const std::string& amp);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
};

/// Dynamic loss scaling: the loss is multiplied by the scale before backward; gradients are
/// divided by it before the step; a non-finite gradient skips the step and halves the scale,
/// `growth_interval` good steps in a row double it.
class LossScaler {
 public:
  explicit LossScaler(bool enabled, double initial = 65536.0, int64_t growth_interval = 2000);
  bool enabled() const { return enabled_; }
  double scale() const { return enabled_ ? scale_ : 1.0; }
  torch::Tensor scaled(const torch::Tensor& loss) const;
  /// Unscales the gradients of `parameters`; false (step to be skipped) when any is not finite.
  /// One device synchronisation for all gradients.
  bool unscale(const std::vector<torch::Tensor>& parameters);
  /// Good steps since the last overflow or growth (with scale(), what a checkpoint keeps).
  int64_t good_steps() const { return good_steps_; }
  /// Continues from a checkpoint's scale and good-step count (no effect when disabled).
  void restore(double scale, int64_t good_steps);

 private:
  bool enabled_;
  double scale_;
  int64_t growth_interval_, good_steps_ = 0;
};

}  // namespace tesg::train

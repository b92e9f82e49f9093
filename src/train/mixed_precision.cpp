#include "tesg/train/mixed_precision.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

namespace tesg::train {
namespace {

// The autocast switches moved from CUDA-only calls to per-device ones in LibTorch 2.4.
void set_cuda_autocast(bool enabled, at::ScalarType dtype) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
  at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
  at::autocast::set_autocast_gpu_dtype(dtype);
  at::autocast::set_enabled(enabled);
#endif
}

}  // namespace

AutocastScope::AutocastScope(const std::string& amp) {
  if (amp == "none") return;
  set_cuda_autocast(true, amp == "bf16" ? at::kBFloat16 : at::kHalf);
  active_ = true;
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  set_cuda_autocast(false, at::kHalf);
  at::autocast::clear_cache();
}

LossScaler::LossScaler(bool enabled, double initial, int64_t growth_interval)
    : enabled_(enabled), scale_(initial), growth_interval_(growth_interval) {}

torch::Tensor LossScaler::scaled(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) {
  if (!enabled_) return true;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> finite_each;
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    p.grad().div_(scale_);
    finite_each.push_back(torch::isfinite(p.grad()).all());
  }
  const bool finite = finite_each.empty() || torch::stack(finite_each).all().item<bool>();
  if (!finite) {
    scale_ /= 2, good_steps_ = 0;
  } else if (++good_steps_ % growth_interval_ == 0) {
    scale_ *= 2, good_steps_ = 0;
  }
  return finite;
}

void LossScaler::restore(double scale, int64_t good_steps) {
  if (!enabled_) return;
  TORCH_CHECK(scale > 0 && good_steps >= 0, "loss scale ", scale, " / good steps ", good_steps, " out of range");
  scale_ = scale, good_steps_ = good_steps;
}

}  // namespace tesg::train

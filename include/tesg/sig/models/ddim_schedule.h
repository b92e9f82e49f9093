#pragma once
// The DDIM noise schedule of Stable Diffusion (diffusers' DDIMScheduler, epsilon prediction,
// "leading" timestep spacing): what DiffEdit needs to noise latents, plus the eta = 0 step.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "tesg/sig/hf_config.h"

namespace tesg::sig::models {

class DdimSchedule {
 public:
  /// From a scheduler_config.json; refuses settings this port does not implement.
  static DdimSchedule from_hf(const HfConfig& config);
  DdimSchedule(double beta_start, double beta_end, bool scaled_linear, int64_t train_timesteps,
               bool set_alpha_to_one, int64_t steps_offset);

  const torch::Tensor& betas() const { return betas_; }                 ///< [T] float32
  const torch::Tensor& alphas_cumprod() const { return alphas_cumprod_; }  ///< [T] float32
  double final_alpha_cumprod() const { return final_alpha_cumprod_; }
  /// The `steps` inference timesteps, descending (e.g. 981, 961, ..., 1 for 50).
  std::vector<int64_t> timesteps(int64_t steps) const;
  /// The timesteps an img2img-style start at `strength` runs (DiffEdit's encode step is the first).
  std::vector<int64_t> timesteps(int64_t steps, double strength) const;
  /// sqrt(ac[t]) x0 + sqrt(1 - ac[t]) noise; `t` is 0-d or one per sample.
  torch::Tensor add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                          const torch::Tensor& t) const;
  /// One deterministic DDIM step (eta = 0) from `t` to the previous timestep of `steps`.
  torch::Tensor step(const torch::Tensor& eps, int64_t t, const torch::Tensor& sample, int64_t steps) const;

 private:
  torch::Tensor betas_, alphas_cumprod_;
  double final_alpha_cumprod_;
  int64_t train_timesteps_, steps_offset_;
};

}  // namespace tesg::sig::models

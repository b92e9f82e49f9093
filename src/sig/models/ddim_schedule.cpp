#include "tesg/sig/models/ddim_schedule.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "tesg/error.h"

namespace tesg::sig::models {

DdimSchedule DdimSchedule::from_hf(const HfConfig& c) {
  c.require_one_of("beta_schedule", {"scaled_linear", "linear"});
  c.require_one_of("prediction_type", {"epsilon"});
  c.require_one_of("timestep_spacing", {"leading"});
  c.require_one_of("thresholding", {"false"});
  c.require_one_of("rescale_betas_zero_snr", {"false"});
  if (c.has("trained_betas")) throw CheckpointError(c.source() + ": trained_betas is not supported");
  const double beta_start = c.number("beta_start", 1e-4), beta_end = c.number("beta_end", 0.02);
  c.require_range("beta_start", beta_start, 0, 1);
  c.require_range("beta_end", beta_end, beta_start, 1);
  const int64_t timesteps = c.size("num_train_timesteps", 1000), offset = c.integer("steps_offset", 0);
  c.require_range("steps_offset", offset, 0, timesteps - 1);
  return DdimSchedule(beta_start, beta_end, c.string("beta_schedule", "linear") == "scaled_linear", timesteps,
                      c.boolean("set_alpha_to_one", true), offset);
}

DdimSchedule::DdimSchedule(double beta_start, double beta_end, bool scaled_linear, int64_t train_timesteps,
                           bool set_alpha_to_one, int64_t steps_offset)
    : train_timesteps_(train_timesteps), steps_offset_(steps_offset) {
  // As diffusers, in float32: scaled_linear = linspace of the square roots, squared.
  betas_ = scaled_linear ? torch::linspace(std::sqrt(beta_start), std::sqrt(beta_end), train_timesteps,
                                           torch::kFloat32).pow(2)
                         : torch::linspace(beta_start, beta_end, train_timesteps, torch::kFloat32);
  alphas_cumprod_ = torch::cumprod(1.0 - betas_, 0);
  final_alpha_cumprod_ = set_alpha_to_one ? 1.0 : alphas_cumprod_[0].item<double>();
}

std::vector<int64_t> DdimSchedule::timesteps(int64_t steps) const {
  const int64_t ratio = train_timesteps_ / steps;
  std::vector<int64_t> out;
  for (int64_t k = steps - 1; k >= 0; --k) out.push_back(k * ratio + steps_offset_);
  return out;
}

std::vector<int64_t> DdimSchedule::timesteps(int64_t steps, double strength) const {
  const auto all = timesteps(steps);
  const int64_t init = std::min(static_cast<int64_t>(double(steps) * strength), steps);
  const int64_t start = std::max<int64_t>(steps - init, 0);
  return std::vector<int64_t>(all.begin() + start, all.end());
}

torch::Tensor DdimSchedule::add_noise(const torch::Tensor& original, const torch::Tensor& noise,
                                      const torch::Tensor& t) const {
  const auto ac = alphas_cumprod_.to(original.device()).index_select(0, t.reshape(-1).to(original.device()));
  std::vector<int64_t> shape(static_cast<size_t>(original.dim()), 1);
  shape[0] = -1;
  const auto a = ac.sqrt().to(original.scalar_type()).view(shape);
  const auto b = (1 - ac).sqrt().to(original.scalar_type()).view(shape);
  return a * original + b * noise;
}

torch::Tensor DdimSchedule::step(const torch::Tensor& eps, int64_t t, const torch::Tensor& sample,
                                 int64_t steps) const {
  const int64_t prev = t - train_timesteps_ / steps;
  const auto alpha = alphas_cumprod_[t];
  const auto alpha_prev = prev >= 0 ? alphas_cumprod_[prev] : torch::tensor(final_alpha_cumprod_, torch::kFloat32);
  const auto x0 = (sample - (1 - alpha).sqrt() * eps) / alpha.sqrt();
  return alpha_prev.sqrt() * x0 + (1 - alpha_prev).sqrt() * eps;
}

}  // namespace tesg::sig::models

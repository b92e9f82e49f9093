#include "tesg/infer/fusion_model.h"

#include <torch/torch.h>

#include "tesg/error.h"
#include "tesg/infer/tiling.h"
#include "tesg/model_factory.h"
#include "tesg/nn/tesg.h"

namespace tesg::infer {
namespace {

torch::Device fusion_device(const std::string& name) {
  const torch::Device device(name);
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw ConfigError("fuse.device: '" + name + "', but this build or machine has no CUDA device");
  }
  if (device.is_cuda() && device.has_index() &&
      device.index() >= static_cast<int64_t>(torch::cuda::device_count())) {
    throw ConfigError("fuse.device: '" + name + "', but only " +
                      std::to_string(torch::cuda::device_count()) + " CUDA devices are visible");
  }
  return device;
}

torch::ScalarType fusion_dtype(const std::string& precision, const torch::Device& device) {
  if (precision == "fp32") return torch::kFloat32;
  if (!device.is_cuda()) {
    throw ConfigError("fuse.precision: '" + precision + "' needs a CUDA device (fuse.device is " +
                      device.str() + ")");
  }
  return precision == "fp16" ? torch::kFloat16 : torch::kBFloat16;
}

}  // namespace

struct FusionModel::State {
  nn::TeSG model{nullptr};
  torch::Device device{torch::kCPU};
  torch::ScalarType dtype = torch::kFloat32;
  FuseConfig fuse;
};

Config checkpoint_config(const std::string& checkpoint, const std::vector<std::string>& overrides) {
  const auto info = train::read_checkpoint_info(checkpoint);
  if (info.config_yaml.empty()) throw CheckpointError(checkpoint + ": carries no model config");
  return parse_config(info.config_yaml, checkpoint + " (its config)", overrides);
}

FusionModel::FusionModel(const std::string& checkpoint, const Config& config)
    : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.device = fusion_device(config.fuse.device);
  s.dtype = fusion_dtype(config.fuse.precision, s.device);
  s.fuse = config.fuse;
  s.model = nn::TeSG(model_options(config.model));
  info_ = train::load_checkpoint(checkpoint, *s.model);
  s.model->to(s.device, s.dtype);
  s.model->eval();
}

FusionModel::~FusionModel() = default;

std::string FusionModel::device() const { return state_->device.str(); }

torch::Tensor FusionModel::fuse(const torch::Tensor& vi, const torch::Tensor& ir,
                                const torch::Tensor& mask, const torch::Tensor& ft) const {
  auto& s = *state_;  // the module's forward is non-const, but fusion changes nothing in it
  auto whole = [&s](const torch::Tensor& v, const torch::Tensor& i, const torch::Tensor& m,
                    const torch::Tensor& f) {
    torch::NoGradGuard no_grad;
    auto on_device = [&s](const torch::Tensor& x) {
      return x.defined() ? x.to(s.device, s.dtype, /*non_blocking=*/false) : x;
    };
    return s.model->forward(on_device(v), on_device(i), on_device(m), on_device(f))
        .to(torch::kCPU, torch::kFloat32);
  };
  return with_tiling(whole, s.fuse.tile_pixels, s.fuse.tile_overlap)(vi, ir, mask, ft);
}

FuseFn FusionModel::as_fuse_fn() const {
  return [this](const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
                const torch::Tensor& ft) { return fuse(vi, ir, mask, ft); };
}

}  // namespace tesg::infer

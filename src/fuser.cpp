#include "tesg/fuser.h"

#include <torch/torch.h>

#include <mutex>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"
#include "tesg/infer/fusion_model.h"
#include "tesg/infer/sig_inputs.h"
#include "tesg/io/image.h"
#include "tesg/runtime.h"

namespace tesg {
namespace {

std::string size_text(const at::Tensor& t) { return std::to_string(t.size(-1)) + "x" + std::to_string(t.size(-2)); }

}  // namespace

std::vector<std::string> config_overrides(const FuserOptions& o) {
  auto overrides = o.overrides;
  overrides.push_back("fuse.device=" + o.device);
  overrides.push_back("fuse.precision=" + o.precision);
  overrides.push_back("fuse.threads=" + std::to_string(o.threads));
  return overrides;
}

struct Fuser::Impl {
  Impl(const std::string& checkpoint, const FuserOptions& options)
      : config(infer::checkpoint_config(checkpoint, config_overrides(options))),
        model(checkpoint, config),
        sig(config.sig, "") {
    configure_threads(static_cast<int>(config.fuse.threads));
  }
  Config config;
  infer::FusionModel model;
  infer::SigInputs sig;
  std::mutex mutex;
};

Fuser::Fuser(const std::string& checkpoint, const FuserOptions& options)
    : impl_(std::make_unique<Impl>(checkpoint, options)) {}
Fuser::~Fuser() = default;
Fuser::Fuser(Fuser&&) noexcept = default;
Fuser& Fuser::operator=(Fuser&&) noexcept = default;

std::string Fuser::device() const { return impl_->model.device(); }

at::Tensor Fuser::fuse(const at::Tensor& ir, const at::Tensor& vi, const Semantics* semantics,
                       const std::string& name) const {
  if (ir.dim() != 3 || ir.size(0) != 1) throw DataError(name + ": infrared must be [1,H,W]");
  if (vi.dim() != 3 || vi.size(0) != 3) throw DataError(name + ": visible must be [3,H,W]");
  if (ir.sizes().slice(1) != vi.sizes().slice(1))
    throw DataError(name + ": visible " + size_text(vi) + " != infrared " + size_text(ir));
  data::FusionSample sample{name, vi.to(torch::kCPU, torch::kFloat32), ir.to(torch::kCPU, torch::kFloat32), {}, {}};
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (semantics) {
    sample.mask = semantics->mask.defined() ? semantics->mask.to(torch::kCPU, torch::kFloat32)
                                            : torch::zeros_like(sample.ir);
    sample.ft = semantics->text;
  } else {
    sample.mask = torch::zeros_like(sample.ir);
    impl_->sig.attach(sample);
  }
  const auto batch = [](const at::Tensor& t) { return t.defined() ? t.unsqueeze(0) : t; };
  return impl_->model.fuse(batch(sample.vi), batch(sample.ir), batch(sample.mask), batch(sample.ft))[0];
}

cv::Mat Fuser::fuse(const cv::Mat& ir, const cv::Mat& vi, const std::string& name) const {
  const auto fused = fuse(io::infrared_from_mat(ir, name + " (infrared)"), io::visible_from_mat(vi, name + " (visible)"),
                          nullptr, name);
  return io::to_bgr_mat(fused);
}

}  // namespace tesg

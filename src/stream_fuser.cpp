#include "tesg/stream_fuser.h"

#include <torch/torch.h>

#include "tesg/config.h"
#include "tesg/infer/fusion_model.h"
#include "tesg/infer/sig_inputs.h"
#include "tesg/io/image.h"
#include "tesg/runtime.h"
#include "tesg/video/key_frame_semantics.h"

namespace tesg {
struct StreamFuser::Impl {
  Impl(const std::string& checkpoint, const FuserOptions& options)
      : config(infer::checkpoint_config(checkpoint, config_overrides(options))),
        model(checkpoint, config),
        sig(config.sig, ""),
        semantics([this](data::FusionSample& s) { sig.attach(s); },
                  {config.fuse.sig_every, config.fuse.scene_change, config.fuse.video_flow}) {
    configure_threads(static_cast<int>(config.fuse.threads));
  }
  Config config;
  infer::FusionModel model;
  infer::SigInputs sig;
  video::KeyFrameSemantics semantics;
  bool last_key = false;
};

StreamFuser::StreamFuser(const std::string& checkpoint, const FuserOptions& options)
    : impl_(std::make_unique<Impl>(checkpoint, options)) {}
StreamFuser::~StreamFuser() = default;
StreamFuser::StreamFuser(StreamFuser&&) noexcept = default;
StreamFuser& StreamFuser::operator=(StreamFuser&&) noexcept = default;

cv::Mat StreamFuser::push(const cv::Mat& ir, const cv::Mat& vi) {
  const auto name = "frame " + std::to_string(impl_->semantics.frames());
  data::FusionSample sample{"frame", io::visible_from_mat(vi, name + " (visible)"),
                            io::infrared_from_mat(ir, name + " (infrared)"), {}, {}};
  if (sample.vi.sizes().slice(1) != sample.ir.sizes().slice(1)) {
    throw DataError(name + ": the visible and infrared frames differ in size");
  }
  sample.mask = torch::zeros_like(sample.ir);
  impl_->last_key = impl_->semantics.attach(sample);
  const auto ft = sample.ft.defined() ? sample.ft.unsqueeze(0) : sample.ft;
  const auto fused = impl_->model.fuse(sample.vi.unsqueeze(0), sample.ir.unsqueeze(0), sample.mask.unsqueeze(0), ft)[0];
  return io::to_bgr_mat(fused);
}

int64_t StreamFuser::frames() const { return impl_->semantics.frames(); }
int64_t StreamFuser::key_frames() const { return impl_->semantics.key_frames(); }
bool StreamFuser::last_was_key_frame() const { return impl_->last_key; }

}  // namespace tesg

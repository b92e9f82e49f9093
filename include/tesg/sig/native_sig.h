#pragma once
// The native SIG backends (paper Sec. 3.2) a config asks for, loaded once from the folders it
// names: captioner `blip` (BLIP caption T), masker `diffedit` (DiffEdit masks of the visible and
// the infrared image under T and T without its key word, united), text encoder `clip` (the CLIP
// last_hidden_state of T as Ft). Every call is serialised: one pair at a time uses the models.
#include <ATen/core/Tensor.h>

#include <memory>
#include <mutex>
#include <string>

#include "tesg/config.h"
#include "tesg/data/fusion_sample.h"

namespace tesg::sig {

/// True when `config` names a backend that needs foundation-model weights.
bool uses_native_backends(const SigConfig& config);

/// Throws ConfigError naming the key when a backend cannot run as configured (a folder that is
/// missing, diffedit or clip without captions, fp16 without CUDA).
void check_backends(const SigConfig& config);

class NativeSig {
 public:
  /// Loads the models the config's backends need. Throws ConfigError / CheckpointError.
  explicit NativeSig(const SigConfig& config);
  ~NativeSig();

  /// BLIP caption of a visible image [3,H,W] in [0,1] (the prompt included, as BLIP returns it).
  std::string caption(const torch::Tensor& vi);
  /// M = M_vi | M_ir [1,H,W] in {0,1} from the two captions; empty without a key word.
  torch::Tensor mask(const data::FusionSample& sample, const std::string& caption,
                     const std::string& caption_without_keyword);
  /// Ft [L,D] float32 on the CPU: CLIP last_hidden_state of `caption`.
  torch::Tensor text(const std::string& caption);

 private:
  struct Models;
  SigConfig config_;
  std::unique_ptr<Models> models_;
  std::mutex mutex_;
};

}  // namespace tesg::sig

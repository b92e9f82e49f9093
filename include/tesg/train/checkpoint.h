#pragma once
// TeSG checkpoints: the training state (model, optimizer, progress, RNG, resolved config) to
// resume a run, or the weights alone for inference. Written atomically; a file that is corrupt,
// of another kind or for another model is refused with a message naming what is wrong.
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <limits>
#include <string>

#include "tesg/train/provenance.h"

namespace tesg::train {

/// Format version written into every checkpoint; bumped on incompatible changes.
constexpr int64_t kCheckpointFormat = 1;

struct CheckpointInfo {
  std::string kind = "weights";  ///< "training" (resumable) or "weights" (inference only)
  int64_t epoch = 0;             ///< completed epochs
  int64_t step = 0;              ///< completed optimizer steps
  std::string config_yaml;       ///< the resolved config the model was built from
  std::string sig_backends;      ///< e.g. "masker=saliency captioner=none text_encoder=none"
  std::string trainer_rng;       ///< the trainer's own RNG state, as text
  std::string tesg_version;      ///< the tesg that wrote it ("" before 0.2.0); set on save
  double best_value = -std::numeric_limits<double>::infinity();  ///< best validation so far
  double loss_scale = 0;              ///< fp16 training's dynamic loss scale (0: none)
  int64_t loss_scale_good_steps = 0;  ///< its good steps since the last change
  Provenance provenance;              ///< data, code and time that made it (absent before 0.5.0)
};

/// Writes `model` (parameters and buffers by name), the optimizer state when given (kind
/// "training"), the global torch CPU RNG state and `info` to `path` atomically. Returns `info` as
/// written (kind and tesg_version set), as read_checkpoint_info would read it back.
CheckpointInfo save_checkpoint(const std::string& path, const torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer, CheckpointInfo info);

/// Reads only the metadata of a checkpoint. Throws CheckpointError.
CheckpointInfo read_checkpoint_info(const std::string& path);

/// What `info` says, for people: kind, progress, SIG backends, provenance, then the config.
std::string describe(const CheckpointInfo& info);

/// A model card in Markdown for the checkpoints of run `name`: describe(info) in a text block,
/// under a heading for the person to write what the model is for and how well it does.
std::string model_card(const std::string& name, const CheckpointInfo& info);

/// Loads weights into `model` (names and shapes must match exactly) and, when `optimizer` is
/// given, the optimizer and RNG state of a "training" checkpoint. Throws CheckpointError naming
/// the file and the first problem (missing/unexpected tensor, shape, kind, format, corruption).
CheckpointInfo load_checkpoint(const std::string& path, torch::nn::Module& model,
                               torch::optim::Optimizer* optimizer = nullptr);

}  // namespace tesg::train

#pragma once
// The training pairs with their SIG inputs, held in memory as 8-bit, and the deterministic
// batches drawn from them.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/task/detection_objective.h"
#include "tesg/train/provenance.h"

namespace tesg::train {

struct Batch {
  torch::Tensor vi, ir, mask;  ///< [B,3,h,w], [B,1,h,w], [B,1,h,w] float
  torch::Tensor ft;            ///< [B,L,D] or undefined (the model's null text)
  Batch to(const torch::Device& device) const;
};

/// What the task loss sees: larger crops, their labels (label pixels of the crop) and the size
/// of the frame each came from (the scale the detector sees the frame at).
struct TaskBatch {
  Batch images;
  std::vector<task::ImageLabels> labels;
  std::vector<std::pair<int64_t, int64_t>> frames;  ///< width, height
};

class TrainingSet {
 public:
  /// Loads every pair of `config.data.train` with its mask and text semantics (from
  /// `config.sig.cache` when set, else computed once by the configured backends). Unreadable or mismatched
  /// pairs go to problems(); throws DataError when no pair is usable.
  explicit TrainingSet(const Config& config);

  int64_t size() const { return static_cast<int64_t>(images_.size()); }
  const std::vector<std::string>& problems() const { return problems_; }
  /// Per folder of data.train: the pairs used and the hash of their list (provenance).
  const std::vector<DataSource>& sources() const { return sources_; }

  /// Global batch `index` of `epoch`, items [first, first + count) of it: random crops and flips
  /// from a generator seeded by (seed, epoch, item), so any split over ranks sees the same data.
  Batch batch(int64_t epoch, int64_t index, int64_t first, int64_t count) const;
  /// Optimizer steps per epoch: full global batches only.
  int64_t steps_per_epoch() const;
  /// Items [first, first + count) of the task-loss batch of `step`: loss.task_crop crops of
  /// pairs drawn at random (seeded by seed, step and item), flipped as data.hflip / vflip say,
  /// with their labels where loss.task_labels has a file for the pair.
  TaskBatch task_batch(int64_t step, int64_t first, int64_t count) const;
  /// Pairs with a label file in loss.task_labels.
  int64_t labelled() const;

 private:
  Config config_;
  std::vector<torch::Tensor> images_;  ///< per pair [5,H,W] uint8: vi RGB, ir, mask (0/255)
  std::vector<torch::Tensor> texts_;   ///< per pair [L,D] or undefined
  std::vector<task::ImageLabels> labels_;  ///< per pair, in frame pixels (loss.task_labels)
  std::vector<std::string> problems_;
  std::vector<DataSource> sources_;
};

}  // namespace tesg::train

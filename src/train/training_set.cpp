#include "tesg/train/training_set.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <random>

#include "tesg/data/augment.h"
#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/detect/yolo_labels.h"
#include "tesg/error.h"
#include "tesg/sig/pair_sig.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::train {
namespace {

torch::Tensor to_bytes(const torch::Tensor& t) {
  return t.mul(255).round().clamp(0, 255).to(torch::kUInt8);
}

// Order of the pairs in `epoch`: the same permutation on every rank.
std::vector<int64_t> epoch_order(int64_t n, int64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(static_cast<uint64_t>(seed) * 1000003u + static_cast<uint64_t>(epoch));
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// Pair `k` of the set as 8-bit tensors (views of its bytes) with its text semantics.
data::FusionSample stored_pair(const std::vector<torch::Tensor>& images, const std::vector<torch::Tensor>& texts,
                               int64_t k) {
  const auto& bytes = images[static_cast<size_t>(k)];
  return {"", bytes.narrow(0, 0, 3), bytes.narrow(0, 3, 1), bytes.narrow(0, 4, 1), texts[static_cast<size_t>(k)]};
}

// Augmented 8-bit samples as a float batch in [0, 1] (text semantics stacked when they have any).
Batch stacked(const std::vector<data::FusionSample>& samples) {
  std::vector<torch::Tensor> vi, ir, mask, ft;
  for (const auto& s : samples) {
    vi.push_back(s.vi.to(torch::kFloat32).div(255));
    ir.push_back(s.ir.to(torch::kFloat32).div(255));
    mask.push_back(s.mask.to(torch::kFloat32).div(255));
    if (s.ft.defined()) ft.push_back(s.ft);
  }
  Batch b{torch::stack(vi), torch::stack(ir), torch::stack(mask), {}};
  if (!ft.empty()) b.ft = torch::stack(ft);
  return b;
}

// Labels drop an object that keeps less than this share of its area inside a task crop: the
// detector cannot be asked to find a sliver.
constexpr double kMinVisibleLabel = 0.5;

// The pair's YOLO labels in `dir`/loss.task_labels, if that folder has a file for it.
task::ImageLabels read_task_labels(const Config& config, const std::string& dir, const std::string& stem,
                                   int64_t w, int64_t h) {
  if (config.loss.task <= 0 || config.loss.task_labels.empty()) return std::nullopt;
  const auto path = std::filesystem::path(dir) / config.loss.task_labels / (stem + ".txt");
  if (!std::filesystem::exists(path)) return std::nullopt;
  return detect::read_yolo_labels(path.string(), w, h);
}

}  // namespace

TrainingSet::TrainingSet(const Config& config) : config_(config) {
  std::unique_ptr<sig::SigCache> cache;
  std::unique_ptr<sig::PairSig> compute;  // without a cache: the backends, once per pair
  if (!config.sig.cache.empty()) {
    cache = std::make_unique<sig::SigCache>(config.sig.cache, sig::sig_fingerprint(config.sig),
                                            /*create=*/false);
  } else {
    compute = std::make_unique<sig::PairSig>(config.sig);
  }
  for (const auto& dir : config.data.train) {
    const auto set = data::find_pairs(dir, config.data.split);
    problems_.insert(problems_.end(), set.problems.begin(), set.problems.end());
    std::vector<data::ImagePair> used;
    for (const auto& pair : set.pairs) {
      try {
        auto sample = data::load_pair(pair);
        if (cache) {
          sample.mask = cache->read_mask(pair.stem, sample.ir.size(1), sample.ir.size(2));
          if (config.sig.text_encoder != "none") sample.ft = cache->read_text(pair.stem);
        } else {
          compute->attach(sample);
        }
        auto labels = read_task_labels(config, dir, pair.stem, sample.vi.size(2), sample.vi.size(1));
        images_.push_back(torch::cat({to_bytes(sample.vi), to_bytes(sample.ir), to_bytes(sample.mask)}, 0));
        texts_.push_back(sample.ft);
        labels_.push_back(std::move(labels));
        used.push_back(pair);
      } catch (const Error& e) {
        problems_.push_back(e.what());
      }
    }
    sources_.push_back(data_source(dir, used));
  }
  if (images_.empty()) throw DataError("data.train: no usable training pairs");
  if (size() < config.train.batch) {
    throw DataError("data.train: " + std::to_string(size()) + " pairs, fewer than one batch of " +
                    std::to_string(config.train.batch));
  }
}

Batch Batch::to(const torch::Device& device) const {
  auto move = [&](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
  return {move(vi), move(ir), move(mask), move(ft)};
}

int64_t TrainingSet::steps_per_epoch() const { return size() / config_.train.batch; }

Batch TrainingSet::batch(int64_t epoch, int64_t index, int64_t first, int64_t count) const {
  const auto order = epoch_order(size(), config_.train.seed, epoch);
  std::vector<data::FusionSample> samples;
  for (int64_t k = first; k < first + count; ++k) {
    const int64_t position = index * config_.train.batch + k;
    std::mt19937_64 rng(static_cast<uint64_t>(config_.train.seed) * 7919u +
                        static_cast<uint64_t>(epoch) * 104729u + static_cast<uint64_t>(position));
    const auto s = stored_pair(images_, texts_, order[static_cast<size_t>(position)]);
    samples.push_back(data::random_flip(data::random_crop(s, config_.data.crop, rng), config_.data.hflip,
                                        config_.data.vflip, rng));
  }
  return stacked(samples);
}

int64_t TrainingSet::labelled() const {
  return std::count_if(labels_.begin(), labels_.end(), [](const auto& l) { return l.has_value(); });
}

TaskBatch TrainingSet::task_batch(int64_t step, int64_t first, int64_t count) const {
  TaskBatch out;
  std::vector<data::FusionSample> samples;
  for (int64_t k = first; k < first + count; ++k) {
    std::mt19937_64 rng(static_cast<uint64_t>(config_.train.seed) * 15485863u + static_cast<uint64_t>(step) * 7727u +
                        static_cast<uint64_t>(k) + 1);
    const auto pair = std::uniform_int_distribution<int64_t>(0, size() - 1)(rng);
    const auto s = stored_pair(images_, texts_, pair);
    const auto h = s.vi.size(1), w = s.vi.size(2);
    const auto placement = data::draw_placement(h, w, config_.loss.task_crop, config_.data.hflip, config_.data.vflip, rng);
    samples.push_back(data::place(s, placement));
    const auto& labels = labels_[static_cast<size_t>(pair)];
    out.labels.push_back(labels ? task::ImageLabels(data::place(*labels, placement, kMinVisibleLabel)) : std::nullopt);
    out.frames.emplace_back(w, h);
  }
  out.images = stacked(samples);
  return out;
}

}  // namespace tesg::train

#include "tesg/train/validation.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/io/image.h"
#include "tesg/metrics/fusion_metrics.h"
#include "tesg/metrics/gray_image.h"
#include "tesg/sig/pair_sig.h"

namespace tesg::train {
namespace {

// The fused RGB [1,3,H,W] as the evaluator reads its 8-bit PNG.
metrics::GrayImage evaluator_gray(const torch::Tensor& fused) {
  const auto rgb = io::to_uint8_hwc(fused);
  return metrics::evaluator_gray_from_rgb(rgb.data_ptr<uint8_t>(), rgb.size(0), rgb.size(1));
}

struct Pair {
  data::FusionSample sample;
  metrics::GrayImage ir, vi;  // as the evaluator reads the source files
};

}  // namespace

struct ValidationSet::Pairs {
  std::vector<Pair> items;
};

ValidationSet::ValidationSet(const Config& config) : pairs_(std::make_unique<Pairs>()) {
  names_ = {"EN", "SD", "SCD", "VIF", "Qabf"};
  if (std::find(names_.begin(), names_.end(), config.train.best_metric) == names_.end()) {
    names_.push_back(config.train.best_metric);
  }
  if (config.data.val.empty()) return;
  sig::PairSig sig(config.sig);
  for (const auto& pair : data::find_pairs(config.data.val, config.data.split).pairs) {
    try {
      auto s = data::load_pair(pair);
      sig.attach(s);
      pairs_->items.push_back({std::move(s), metrics::read_evaluator_gray(pair.ir), metrics::read_evaluator_gray(pair.vi)});
    } catch (const std::exception& e) {
      spdlog::warn("validation: {}", e.what());
    }
  }
}

ValidationSet::~ValidationSet() = default;

bool ValidationSet::empty() const { return pairs_->items.empty(); }

std::map<std::string, double> ValidationSet::evaluate(nn::TeSG& model) const {
  const auto metrics = metrics::find_metrics(names_);
  const auto device = model->parameters().front().device();
  std::map<std::string, double> sums;
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  for (const auto& p : pairs_->items) {
    auto on_device = [&](const torch::Tensor& x) { return x.defined() ? x.unsqueeze(0).to(device) : x; };
    const auto& s = p.sample;
    const auto fused = model(on_device(s.vi), on_device(s.ir), on_device(s.mask), on_device(s.ft));
    const auto values = metrics::compute_metrics(evaluator_gray(fused), p.ir, p.vi, metrics);
    for (size_t k = 0; k < names_.size(); ++k) sums[names_[k]] += values[k];
  }
  model->train(was_training);
  for (auto& [name, sum] : sums) sum /= static_cast<double>(pairs_->items.size());
  return sums;
}

}  // namespace tesg::train

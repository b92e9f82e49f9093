#include "tesg/train/validation.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <limits>

#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/fault.h"
#include "tesg/io/image.h"
#include "tesg/metrics/fusion_metrics.h"
#include "tesg/metrics/gray_image.h"
#include "tesg/nn/color.h"
#include "tesg/sig/pair_sig.h"

namespace tesg::train {
namespace {

// The fused RGB [1,3,H,W] as the evaluator reads its 8-bit PNG.
metrics::GrayImage evaluator_gray(const torch::Tensor& fused) {
  const auto rgb = io::to_uint8_hwc(fused);
  return metrics::evaluator_gray_from_rgb(rgb.data_ptr<uint8_t>(), rgb.size(0), rgb.size(1));
}

// The five metrics the field compares on; "vs_max" is judged on them.
const std::vector<std::string> kCompared = {"EN", "SD", "SCD", "VIF", "Qabf"};

struct Pair {
  data::FusionSample sample;
  metrics::GrayImage ir, vi;  // as the evaluator reads the source files
};

}  // namespace

struct ValidationSet::Pairs {
  std::vector<Pair> items;
};

ValidationSet::ValidationSet(const Config& config) : pairs_(std::make_unique<Pairs>()) {
  names_ = kCompared;
  const auto& best = config.train.best_metric;
  if (best != "vs_max" && std::find(names_.begin(), names_.end(), best) == names_.end()) names_.push_back(best);
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

std::map<std::string, double> ValidationSet::mean_scores(const FuseOne& fuse) const {
  const auto metrics = metrics::find_metrics(names_);
  std::map<std::string, double> sums;
  for (const auto& p : pairs_->items) {
    fault_point("validation.pair");
    const auto values = metrics::compute_metrics(evaluator_gray(fuse(p.sample)), p.ir, p.vi, metrics);
    for (size_t k = 0; k < names_.size(); ++k) sums[names_[k]] += values[k];
  }
  for (auto& [name, sum] : sums) sum /= static_cast<double>(pairs_->items.size());
  return sums;
}

const std::map<std::string, double>& ValidationSet::max_fusion_scores() const {
  if (max_fusion_.empty() && !empty()) {
    max_fusion_ = mean_scores([](const data::FusionSample& s) {
      const auto vi = s.vi.unsqueeze(0), ir = s.ir.unsqueeze(0);
      return nn::with_luma(vi, torch::max(nn::rgb_to_gray(vi), ir));
    });
  }
  return max_fusion_;
}

bool ValidationSet::empty() const { return pairs_->items.empty(); }

std::map<std::string, double> ValidationSet::evaluate(nn::TeSG& model) const {
  const auto device = model->parameters().front().device();
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  auto scores = mean_scores([&](const data::FusionSample& s) {
    auto on_device = [&](const torch::Tensor& x) { return x.defined() ? x.unsqueeze(0).to(device) : x; };
    return model(on_device(s.vi), on_device(s.ir), on_device(s.mask), on_device(s.ft));
  });
  model->train(was_training);
  double worst = std::numeric_limits<double>::infinity();
  for (const auto& name : kCompared) worst = std::min(worst, scores.at(name) / max_fusion_scores().at(name));
  scores["vs_max"] = worst;
  return scores;
}

}  // namespace tesg::train

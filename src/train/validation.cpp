#include "tesg/train/validation.h"

#include <torch/torch.h>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/metrics/fusion_metrics.h"
#include "tesg/sig/masker.h"

namespace tesg::train {
namespace {

// The fused RGB [1,3,H,W] as the evaluator reads its 8-bit PNG.
metrics::GrayImage evaluator_gray(const torch::Tensor& fused) {
  const auto rgb = fused[0].clamp(0, 1).mul(255).round().to(torch::kUInt8).permute({1, 2, 0})
                       .contiguous();
  return metrics::evaluator_gray_from_rgb(rgb.data_ptr<uint8_t>(), rgb.size(0), rgb.size(1));
}

}  // namespace

std::map<std::string, double> validate(nn::TeSG& model, const Config& config) {
  std::vector<std::string> names = {"EN", "SD", "SCD", "VIF", "Qabf"};
  if (std::find(names.begin(), names.end(), config.train.best_metric) == names.end()) {
    names.push_back(config.train.best_metric);
  }
  const auto metrics = metrics::find_metrics(names);
  const auto pairs = data::find_pairs(config.data.val, config.data.split);
  std::map<std::string, double> sums;
  int64_t count = 0;
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  for (const auto& pair : pairs.pairs) {
    try {
      const auto s = data::load_pair(pair);
      const auto mask = sig::make_mask(config.sig, s);
      const auto fused = model(s.vi.unsqueeze(0), s.ir.unsqueeze(0), mask.unsqueeze(0), torch::Tensor());
      const auto values = metrics::compute_metrics(
          evaluator_gray(fused), metrics::read_evaluator_gray(pair.ir),
          metrics::read_evaluator_gray(pair.vi), metrics);
      for (size_t k = 0; k < names.size(); ++k) sums[names[k]] += values[k];
      ++count;
    } catch (const std::exception& e) {
      spdlog::warn("validation: {}", e.what());
    }
  }
  model->train(was_training);
  for (auto& [name, sum] : sums) sum /= static_cast<double>(count);
  return sums;
}

}  // namespace tesg::train

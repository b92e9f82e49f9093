#include <algorithm>
#include <cmath>

#include "tesg/error.h"
#include "tesg/metrics/fusion_metrics.h"

namespace tesg::metrics {

const std::vector<MetricInfo>& all_metrics() {
  static const std::vector<MetricInfo> metrics = {
      {"EN", true, entropy},
      {"SD", true, standard_deviation},
      {"SF", true, spatial_frequency},
      {"AG", true, average_gradient},
      {"MI", true, mutual_information},
      {"SCD", true, sum_of_correlations_of_differences},
      {"VIF", true, visual_information_fidelity},
      {"Qabf", true, qabf},
      {"Nabf", false, [](FusionTriple& t) { return nabf(t); }},
      {"SSIM", true, [](FusionTriple& t) { return structural_similarity(t); }},
      {"PSNR", true, peak_signal_to_noise_ratio},
      {"MSE", false, mean_squared_error},
      {"CC", true, correlation_coefficient},
      // Named variants and extras (METRICS.md): not in the default set.
      {"MS_SSIM", true, [](FusionTriple& t) { return multi_scale_ssim(t, 1.0); }},
      {"MS_SSIM_std", true, [](FusionTriple& t) { return multi_scale_ssim(t, 255.0); }},
      {"SSIM_255", true, [](FusionTriple& t) { return structural_similarity(t, 255.0); }},
      {"Nabf_matlab", false, [](FusionTriple& t) { return nabf(t, true); }},
      {"MI_bits", true, [](FusionTriple& t) { return mutual_information(t) / std::log(2.0); }},
  };
  return metrics;
}

std::vector<std::string> default_metric_names() {
  return {"EN", "SD", "SF", "AG", "MI", "SCD", "VIF", "Qabf", "Nabf", "SSIM", "PSNR", "MSE", "CC"};
}

std::vector<MetricInfo> find_metrics(const std::vector<std::string>& names) {
  std::vector<MetricInfo> found;
  for (const auto& name : names) {
    const auto& all = all_metrics();
    const auto it = std::find_if(all.begin(), all.end(), [&](const MetricInfo& m) {
      return m.name.size() == name.size() &&
             std::equal(name.begin(), name.end(), m.name.begin(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
    if (it == all.end()) {
      std::string known;
      for (const auto& m : all) known += (known.empty() ? "" : " ") + m.name;
      throw Error("unknown metric '" + name + "' (known: " + known + ")");
    }
    found.push_back(*it);
  }
  return found;
}

std::vector<double> compute_metrics(const GrayImage& fused, const GrayImage& ir,
                                    const GrayImage& vi, const std::vector<MetricInfo>& metrics) {
  FusionTriple triple(fused, ir, vi);
  std::vector<double> values;
  values.reserve(metrics.size());
  for (const auto& m : metrics) values.push_back(m.compute(triple));
  return values;
}

}  // namespace tesg::metrics

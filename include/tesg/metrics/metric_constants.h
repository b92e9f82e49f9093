#pragma once
// The evaluator's constants for Qabf (METRICS.md 2.11) and VIF (2.9), shared by the plain-C++
// metrics and their differentiable forms (tesg/nn/metric_losses.h).
#include <cstdint>

namespace tesg::metrics {

constexpr double kMaxGray = 255.0;  // the evaluator's scale: 8-bit gray levels

struct QabfConstants {  // the MATLAB analysis_Qabf parameters
  static constexpr double kTg = 0.9994, kKg = -15, kDg = 0.5;
  static constexpr double kTa = 0.9879, kKa = -22, kDa = 0.8;
};

constexpr int kVifScales = 4;
constexpr double kVifNoiseVariance = 2.0;  // sigma_n^2 on the 0..255 scale
constexpr double kVifEps = 1e-10;

/// The Gaussian window size of VIF scale 1..4: 17, 9, 5, 3 (sigma = size / 5).
constexpr int64_t vif_window_size(int scale) { return (int64_t{1} << (kVifScales + 1 - scale)) + 1; }

}  // namespace tesg::metrics

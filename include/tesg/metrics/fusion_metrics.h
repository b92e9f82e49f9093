#pragma once
// The fusion metrics of the field's common evaluator (CDDFuse's Evaluator.py and, for Nabf, the
// Python port of analysis_nabf.m), reproduced with their conventions and quirks; see
// METRICS.md. F = fused, A = infrared, B = visible; all three gray 0..255 of equal size.
// Plain C++: no torch, usable from training (validation) and from tesg-eval.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "tesg/metrics/gray_image.h"

namespace tesg::metrics {

/// The three images of one evaluation plus the work several metrics share (float planes,
/// histograms, Sobel responses), computed once on first use. Not thread-safe: one per thread.
class FusionTriple {
 public:
  /// Throws DataError when the sizes differ.
  FusionTriple(const GrayImage& fused, const GrayImage& ir, const GrayImage& vi);
  ~FusionTriple();
  FusionTriple(const FusionTriple&) = delete;
  FusionTriple& operator=(const FusionTriple&) = delete;

  enum Source { kFused = 0, kIr = 1, kVi = 2 };
  struct Edges {  // per pixel: Sobel responses x = left - right, y = up - down, and strength
    std::vector<double> x, y, g;
  };

  int64_t height() const { return height_; }
  int64_t width() const { return width_; }
  const std::vector<double>& plane(Source s) const { return planes_[s]; }
  const std::array<double, 256>& histogram(Source s);   ///< probabilities of the 256 levels
  const Edges& qabf_edges(Source s);                     ///< zero-padded Sobel (Qabf)
  const Edges& nabf_edges(Source s);                     ///< reflect-101 Sobel / 8 (Nabf)

 private:
  int64_t height_, width_;
  std::array<std::vector<double>, 3> planes_;
  std::array<std::unique_ptr<std::array<double, 256>>, 3> histograms_;
  std::array<std::unique_ptr<Edges>, 3> qabf_edges_, nabf_edges_;
};

// Each metric as in METRICS.md, section 2 (numbers in brackets). Higher is better except
// Nabf and MSE.
double entropy(FusionTriple& t);                 ///< EN [2.1], bits
double standard_deviation(FusionTriple& t);      ///< SD [2.2]
double spatial_frequency(FusionTriple& t);       ///< SF [2.3]
double average_gradient(FusionTriple& t);        ///< AG [2.4]
double mutual_information(FusionTriple& t);      ///< MI [2.5], nats, I(F;A) + I(F;B)
double sum_of_correlations_of_differences(FusionTriple& t);  ///< SCD [2.6]
double correlation_coefficient(FusionTriple& t);  ///< CC [2.7], mean of r(A,F), r(B,F)
double mean_squared_error(FusionTriple& t);      ///< MSE [2.8]
double peak_signal_to_noise_ratio(FusionTriple& t);  ///< PSNR [2.8], peak = max(F)
double visual_information_fidelity(FusionTriple& t);  ///< VIF [2.9], VIF(A,F) + VIF(B,F)
/// SSIM [2.10]: SSIM(F,A) + SSIM(F,B), skimage 0.19 defaults (7x7 box window, sample
/// covariance) with the evaluator's data_range = 2; `data_range` 255 gives the common variant.
double structural_similarity(FusionTriple& t, double data_range = 2.0);
double qabf(FusionTriple& t);                    ///< Qabf [2.11]
/// Nabf [2.12], the Python port; `matlab_variant` gives the MATLAB suite's unweighted form.
double nabf(FusionTriple& t, bool matlab_variant = false);
/// MS-SSIM [2.13], pytorch_msssim style summed over both sources. `data_range` 1 is IVIF_ZOO's
/// effective setting on 0..255 data (MS_SSIM), 255 the standard one (MS_SSIM_std).
/// Needs min(H, W) > 160.
double multi_scale_ssim(FusionTriple& t, double data_range = 1.0);

/// A metric by name: EN SD SF AG MI SCD VIF Qabf Nabf SSIM PSNR MSE CC, and the named variants
/// MS_SSIM, MS_SSIM_std, SSIM_255, Nabf_matlab, MI_bits.
struct MetricInfo {
  std::string name;
  bool higher_is_better;
  double (*compute)(FusionTriple&);
};

/// Every metric tesg knows, in table order.
const std::vector<MetricInfo>& all_metrics();
/// The evaluator's default set: EN SD SF AG MI SCD VIF Qabf Nabf SSIM PSNR MSE CC.
std::vector<std::string> default_metric_names();
/// Looks names up; throws tesg::Error naming an unknown one and listing the known ones.
std::vector<MetricInfo> find_metrics(const std::vector<std::string>& names);

/// Computes `metrics` on one triple, sharing the common work; values in the same order.
std::vector<double> compute_metrics(const GrayImage& fused, const GrayImage& ir,
                                    const GrayImage& vi, const std::vector<MetricInfo>& metrics);

}  // namespace tesg::metrics

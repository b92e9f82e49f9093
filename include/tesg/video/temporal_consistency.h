#pragma once
// Temporal quality of a fused video: the flow-warped frame-to-frame difference
//   E(X) = mean over t > 0 and pixels x with x + f_t(x) inside the frame of
//          |X_t(x) - X_{t-1}(x + f_t(x))|        (8-bit gray, 0..255)
// where f_t is the dense flow of the infrared from frame t to frame t-1 (the sources' motion,
// the same for every method). A stable fusion moves as its sources do and scores near them; a
// flickering one adds changes the motion does not explain. flicker = E(fused) / max(E(ir), E(vi)).
#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tesg::video {

struct TemporalScores {
  double ir = 0, vi = 0;            ///< E of the sources
  std::vector<double> fused;        ///< E of each method, in the order given to the meter
  int64_t transitions = 0;          ///< frame pairs measured
  /// E(fused[m]) / max(E(ir), E(vi)); 1 = as stable as the less stable source.
  double flicker(size_t m) const;
};

class TemporalMeter {
 public:
  TemporalMeter(size_t methods, std::string flow_preset);
  /// The next frame of the clip: 8-bit gray sources and each method's 8-bit gray fused frame.
  void add(const cv::Mat& ir, const cv::Mat& vi, const std::vector<cv::Mat>& fused);
  /// Means so far (each transition weighted by its valid pixels).
  TemporalScores scores() const;

 private:
  std::string preset_;
  cv::Mat previous_ir_, previous_vi_;
  std::vector<cv::Mat> previous_fused_;
  double pixels_ = 0, ir_sum_ = 0, vi_sum_ = 0;
  std::vector<double> fused_sums_;
  int64_t transitions_ = 0;
};

/// Adds up the scores of several clips, weighting each by its transitions.
TemporalScores combine(const std::vector<TemporalScores>& clips);

}  // namespace tesg::video

#pragma once
// Scoring fused videos (tesg-eval --videos): the fusion metrics on every k-th frame, per clip and
// overall, in the tables tesg-eval gives folders, plus the temporal measure on every frame.
#include <string>
#include <vector>

#include "tesg/metrics/evaluation.h"
#include "tesg/video/temporal_consistency.h"

namespace tesg::video {

struct VideoEvaluationOptions {
  std::vector<std::string> metrics = metrics::default_metric_names();
  int64_t every = 10;          ///< metrics on frames 0, k, 2k, ...
  int64_t max_frames = -1;     ///< score the first N frames of each clip, -1 = all
  std::string flow = "fast";   ///< dense_flow preset of the temporal measure
  double folder_fps = 30;      ///< frame rate of frame-folder clips
  int threads = 0;             ///< clips scored in parallel, 0 = every core
};

struct ClipEvaluation {
  std::string clip;
  metrics::EvaluationReport frames;  ///< sampled frames as the report's images ("<clip>#<index>")
  TemporalScores temporal;
};

struct VideoEvaluationReport {
  std::vector<ClipEvaluation> clips;
  metrics::EvaluationReport overall;  ///< every sampled frame of every clip
  TemporalScores temporal;            ///< all clips together
  std::vector<std::string> problems;  ///< clips without a partner or a fused video, unreadable ones
  bool complete() const { return problems.empty() && overall.complete(); }
};

/// Clip pairs of `data_dir` (infrared/ + visible/, or ir/ + vi/: video files or frame folders of
/// one stem) against each method's `<dir>/<clip>.<ext>` video or `<dir>/<clip>/` frames. Throws
/// DataError when `data_dir` has no such layout.
VideoEvaluationReport evaluate_videos(const std::string& data_dir, const std::vector<metrics::FusedFolder>& fused,
                                      const VideoEvaluationOptions& options = {});

/// Overall metrics table, the temporal table, then one metrics table per clip.
std::string video_summary_markdown(const VideoEvaluationReport& report);
/// summary.md, summary_temporal.csv and the overall report files (metrics::write_reports) in `out_dir`.
void write_video_reports(const VideoEvaluationReport& report, const std::string& out_dir);

}  // namespace tesg::video

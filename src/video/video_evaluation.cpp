#include "tesg/video/video_evaluation.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <cmath>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "tesg/error.h"
#include "tesg/io/table_number.h"
#include "tesg/io/atomic_file.h"
#include "tesg/metrics/gray_image.h"
#include "tesg/progress.h"
#include "tesg/video/frame_source.h"

namespace tesg::video {
namespace {
namespace fs = std::filesystem;
using metrics::GrayImage;

bool is_video_file(const fs::path& p) {
  static const std::vector<std::string> kExtensions = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v"};
  auto ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

// clip stem -> video file or frame folder, in `dir`.
std::map<std::string, std::string> clips_in(const fs::path& dir) {
  std::map<std::string, std::string> clips;
  if (!fs::is_directory(dir)) return clips;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) clips.emplace(entry.path().filename().string(), entry.path().string());
    if (entry.is_regular_file() && is_video_file(entry.path())) clips.emplace(entry.path().stem().string(), entry.path().string());
  }
  return clips;
}

// The evaluator's gray of a decoded frame: 8-bit BGR (gray replicated), then BGR2GRAY as it does.
GrayImage evaluator_gray(const cv::Mat& frame) {
  cv::Mat eight = frame, rgb;
  if (frame.depth() == CV_16U) frame.convertTo(eight, CV_8U, 1.0 / 256);
  if (eight.channels() == 1) cv::cvtColor(eight, rgb, cv::COLOR_GRAY2RGB);
  else if (eight.channels() == 4) cv::cvtColor(eight, rgb, cv::COLOR_BGRA2RGB);
  else cv::cvtColor(eight, rgb, cv::COLOR_BGR2RGB);
  return metrics::evaluator_gray_from_rgb(rgb.ptr<uint8_t>(), rgb.rows, rgb.cols);
}

cv::Mat as_mat(GrayImage& g) {
  return cv::Mat(static_cast<int>(g.height), static_cast<int>(g.width), CV_8U, g.pixels.data());
}

struct ClipSpec {
  std::string clip, ir, vi;
  std::vector<std::string> fused;
};

ClipEvaluation evaluate_clip(const ClipSpec& spec, const std::vector<metrics::FusedFolder>& methods,
                             const std::vector<metrics::MetricInfo>& metric_list, const VideoEvaluationOptions& o) {
  ClipEvaluation clip{spec.clip, {}, {}};
  clip.frames.metrics = metric_list;
  for (const auto& m : methods) clip.frames.methods.push_back({m.name, {}, {}, {}, {}});
  auto ir = open_frame_source(spec.ir, o.folder_fps), vi = open_frame_source(spec.vi, o.folder_fps);
  std::vector<std::unique_ptr<FrameSource>> fused;
  for (const auto& f : spec.fused) fused.push_back(open_frame_source(f, o.folder_fps));
  TemporalMeter meter(methods.size(), o.flow);
  cv::Mat ir_frame, vi_frame, fused_frame;
  for (int64_t t = 0; (o.max_frames < 0 || t < o.max_frames) && ir->read(ir_frame) && vi->read(vi_frame); ++t) {
    GrayImage a = evaluator_gray(ir_frame), b = evaluator_gray(vi_frame);
    std::vector<GrayImage> f(methods.size());
    std::vector<cv::Mat> f_mats;
    for (size_t m = 0; m < methods.size(); ++m) {
      if (!fused[m]->read(fused_frame)) {
        throw DataError(spec.fused[m] + ": ends at frame " + std::to_string(t) + ", its sources go on");
      }
      f[m] = evaluator_gray(fused_frame);
      if (f[m].height != a.height || f[m].width != a.width) {
        throw DataError(spec.fused[m] + ": frame " + std::to_string(t) + " is not the sources' size");
      }
      f_mats.push_back(as_mat(f[m]));
    }
    meter.add(as_mat(a), as_mat(b), f_mats);
    if (t % o.every != 0) continue;
    ++clip.frames.pairs;
    for (size_t m = 0; m < methods.size(); ++m) {
      clip.frames.methods[m].images.push_back(
          {spec.clip + "#" + fmt::format("{:06d}", t), metrics::compute_metrics(f[m], a, b, metric_list)});
    }
  }
  for (auto& m : clip.frames.methods) metrics::summarise(m, metric_list.size());
  clip.temporal = meter.scores();
  return clip;
}

std::vector<ClipSpec> find_clips(const std::string& data_dir, const std::vector<metrics::FusedFolder>& fused,
                                 std::vector<std::string>& problems) {
  const fs::path root(data_dir);
  const bool long_names = fs::is_directory(root / "infrared");
  const auto ir = clips_in(root / (long_names ? "infrared" : "ir")), vi = clips_in(root / (long_names ? "visible" : "vi"));
  if (ir.empty() && vi.empty()) {
    throw DataError(data_dir + ": no clip pairs (expected infrared/ and visible/, or ir/ and vi/, with videos or frame folders)");
  }
  std::vector<std::map<std::string, std::string>> fused_clips;
  for (const auto& f : fused) {
    if (!fs::is_directory(f.dir)) throw DataError(f.dir + ": no such folder (fused videos)");
    fused_clips.push_back(clips_in(f.dir));
  }
  std::vector<ClipSpec> specs;
  for (const auto& [clip, ir_path] : ir) {
    const auto v = vi.find(clip);
    if (v == vi.end()) {
      problems.push_back(ir_path + ": no visible clip of that name");
      continue;
    }
    ClipSpec spec{clip, ir_path, v->second, {}};
    for (size_t m = 0; m < fused.size(); ++m) {
      const auto f = fused_clips[m].find(clip);
      if (f == fused_clips[m].end()) {
        problems.push_back(fused[m].dir + ": no fused video for clip '" + clip + "' (clip not scored)");
        break;
      }
      spec.fused.push_back(f->second);
    }
    if (spec.fused.size() == fused.size()) specs.push_back(spec);
  }
  for (const auto& [clip, vi_path] : vi) {
    if (!ir.count(clip)) problems.push_back(vi_path + ": no infrared clip of that name");
  }
  return specs;
}

metrics::EvaluationReport merged(const std::vector<ClipEvaluation>& clips, const std::vector<metrics::MetricInfo>& list,
                                 const std::vector<metrics::FusedFolder>& methods) {
  metrics::EvaluationReport all;
  all.metrics = list;
  for (const auto& m : methods) all.methods.push_back({m.name, {}, {}, {}, {}});
  for (const auto& c : clips) {
    all.pairs += c.frames.pairs;
    all.seconds += c.frames.seconds;
    for (size_t m = 0; m < methods.size(); ++m) {
      const auto& images = c.frames.methods[m].images;
      all.methods[m].images.insert(all.methods[m].images.end(), images.begin(), images.end());
    }
  }
  for (auto& m : all.methods) metrics::summarise(m, list.size());
  return all;
}

using io::table_number;

}  // namespace

VideoEvaluationReport evaluate_videos(const std::string& data_dir, const std::vector<metrics::FusedFolder>& fused,
                                      const VideoEvaluationOptions& options) {
  if (options.every <= 0) throw ConfigError("--every: expected a positive frame step");
  VideoEvaluationReport report;
  const auto metric_list = metrics::find_metrics(options.metrics);
  const auto specs = find_clips(data_dir, fused, report.problems);
  std::vector<std::optional<ClipEvaluation>> results(specs.size());
  std::vector<std::string> failures(specs.size());
  std::atomic<size_t> next{0};
  Progress progress("clips", static_cast<int64_t>(specs.size()));
  auto work = [&] {
    for (size_t k = next++; k < specs.size(); k = next++) {
      try {
        results[k] = evaluate_clip(specs[k], fused, metric_list, options);
      } catch (const std::exception& e) {
        failures[k] = specs[k].clip + ": " + one_line(e);
      }
      progress.advance();
    }
  };
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (int t = 1; t < threads && t < static_cast<int>(specs.size()); ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  std::vector<TemporalScores> temporal;
  for (size_t k = 0; k < specs.size(); ++k) {
    if (!failures[k].empty()) report.problems.push_back(failures[k]);
    if (!results[k]) continue;
    report.clips.push_back(std::move(*results[k]));
    temporal.push_back(report.clips.back().temporal);
  }
  report.overall = merged(report.clips, metric_list, fused);
  report.temporal = combine(temporal);
  if (report.temporal.fused.empty()) report.temporal.fused.assign(fused.size(), std::nan(""));
  return report;
}

std::string video_summary_markdown(const VideoEvaluationReport& r) {
  std::ostringstream s;
  s << "Sampled frames of " << r.clips.size() << " clips:\n\n" << metrics::summary_markdown(r.overall);
  s << "\nTemporal: flow-warped frame-to-frame difference E (0..255, ↓) and flicker = E / max(E infrared, "
       "E visible) (↓, 1 = as stable as the less stable source):\n\n| method |";
  for (const auto& c : r.clips) s << " E " << c.clip << " |";
  s << " E all | flicker all |\n|---|";
  for (size_t k = 0; k <= r.clips.size() + 1; ++k) s << "---|";
  s << '\n';
  const auto row = [&](const std::string& name, auto value, const std::string& flicker) {
    s << "| " << name << " |";
    for (const auto& c : r.clips) s << ' ' << table_number(value(c.temporal)) << " |";
    s << ' ' << table_number(value(r.temporal)) << " | " << flicker << " |\n";
  };
  row("infrared", [](const TemporalScores& t) { return t.ir; }, "");
  row("visible", [](const TemporalScores& t) { return t.vi; }, "");
  for (size_t m = 0; m < r.overall.methods.size(); ++m) {
    row(r.overall.methods[m].name, [m](const TemporalScores& t) { return t.fused.at(m); }, table_number(r.temporal.flicker(m)));
  }
  for (const auto& c : r.clips) s << "\nClip " << c.clip << ":\n\n" << metrics::summary_markdown(c.frames);
  return s.str();
}

void write_video_reports(const VideoEvaluationReport& r, const std::string& out_dir) {
  metrics::write_reports(r.overall, out_dir);
  std::string csv = "method,clip,transitions,E,flicker\n";
  const auto add = [&](const std::string& name, const std::string& clip, const TemporalScores& t, double e, double f) {
    csv += name + "," + clip + "," + std::to_string(t.transitions) + "," + table_number(e) + "," + table_number(f) + "\n";
  };
  for (const auto& c : r.clips) {
    add("infrared", c.clip, c.temporal, c.temporal.ir, std::nan(""));
    add("visible", c.clip, c.temporal, c.temporal.vi, std::nan(""));
    for (size_t m = 0; m < c.temporal.fused.size(); ++m) {
      add(r.overall.methods[m].name, c.clip, c.temporal, c.temporal.fused[m], c.temporal.flicker(m));
    }
  }
  io::write_file_atomically((fs::path(out_dir) / "summary_temporal.csv").string(), csv);
  io::write_file_atomically((fs::path(out_dir) / "summary.md").string(), video_summary_markdown(r));
}

}  // namespace tesg::video

// tesg-eval: score folders of fused images with the field's fusion metrics.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/launcher.h"
#include "tesg/cluster/rank_environment.h"
#include "tesg/error.h"
#include "tesg/metrics/evaluation.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/video/video_evaluation.h"

namespace {

// tesg-eval --videos: metrics on sampled frames per clip and overall, and the temporal measure.
int evaluate_videos(const std::string& data_dir, const std::vector<tesg::metrics::FusedFolder>& fused,
                    const tesg::video::VideoEvaluationOptions& options, const std::string& out_dir) {
  const auto report = tesg::video::evaluate_videos(data_dir, fused, options);
  for (const auto& problem : report.problems) spdlog::warn("{}", problem);
  std::cout << '\n' << tesg::video::video_summary_markdown(report) << std::endl;
  if (!out_dir.empty()) {
    tesg::video::write_video_reports(report, out_dir);
    spdlog::info("reports written to {}", out_dir);
  }
  return report.complete() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tesg-eval: fusion metrics (EN SD SF AG MI SCD VIF Qabf Nabf SSIM PSNR MSE CC) "
               "of fused images against a dataset split"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  std::string data_dir, out_dir, metrics_list, log_level = "info";
  std::vector<std::string> fused_args;
  tesg::metrics::EvaluationOptions options;
  app.add_option("--data", data_dir, "dataset split with infrared and visible folders")->required();
  app.add_option("--fused", fused_args, "fused images: DIR or NAME=DIR (repeatable)")->required();
  app.add_option("--metrics", metrics_list, "comma-separated metrics (default: all 13)");
  app.add_option("--out", out_dir, "write per-image CSVs and summary.{md,csv,json} here");
  app.add_option("--split", options.split, "split sub-folder of nested layouts (LLVIP)");
  app.add_option("--threads", options.threads, "worker threads (default: all cores)");
  bool videos = false;
  tesg::video::VideoEvaluationOptions video_options;
  app.add_flag("--videos", videos, "--data holds clip pairs (videos or frame folders), --fused folders fused videos");
  app.add_option("--every", video_options.every, "--videos: metrics on every k-th frame (temporal: every frame)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-frames", video_options.max_frames, "--videos: score the first N frames of each clip")
      ->check(CLI::PositiveNumber);
  int nproc = 1;
  app.add_option("--nproc", nproc, "local ranks to start, each scoring a share of the pairs")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "debug | info | warn | error");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(log_level);
  try {
    if (const auto status = tesg::cluster::run_local_ranks_if_asked(argc, argv, nproc)) return *status;
    auto ranks = tesg::cluster::BatchRanks::from_environment();
    if (options.threads == 0) options.threads = tesg::share_of_cores(tesg::cluster::rank_environment().local_world_size);
    if (!metrics_list.empty()) {
      options.metrics.clear();
      std::stringstream list(metrics_list);
      for (std::string name; std::getline(list, name, ',');) options.metrics.push_back(name);
    }
    const auto fused = tesg::metrics::parse_fused_folders(fused_args);
    if (videos) {
      video_options.metrics = options.metrics;
      video_options.threads = options.threads;
      return evaluate_videos(data_dir, fused, video_options, out_dir);
    }

    const auto report = tesg::metrics::evaluate_folders(data_dir, fused, options, &ranks);
    if (!ranks.lead()) return 0;  // rank 0 reports for every rank
    for (const auto& problem : report.dataset_problems) spdlog::warn("{}", problem);
    for (const auto& method : report.methods) {
      for (const auto& failure : method.failures) spdlog::warn("{}: {}", method.name, failure);
      spdlog::info("{}: {} of {} evaluated", method.name, method.images.size(), report.pairs);
    }
    std::cout << '\n' << tesg::metrics::summary_markdown(report) << std::endl;
    spdlog::info("{} pairs x {} methods in {:.2f} s", report.pairs, report.methods.size(),
                 report.seconds);
    if (!out_dir.empty()) {
      tesg::metrics::write_reports(report, out_dir);
      spdlog::info("reports written to {}", out_dir);
    }
    return report.complete() ? 0 : 1;
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

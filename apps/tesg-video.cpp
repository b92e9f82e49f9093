// tesg-video: fuse an infrared + visible clip pair (video files, frame folders, cameras or stream
// URLs) into a video and/or a folder of frames, with key-frame semantics.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "tesg/cluster/error_file.h"
#include "tesg/cluster/stop_signals.h"
#include "tesg/config.h"
#include "tesg/error.h"
#include "tesg/infer/baseline.h"
#include "tesg/infer/fusion_model.h"
#include "tesg/infer/sig_inputs.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/video/video_fusion.h"

int main(int argc, char** argv) {
  CLI::App app{"tesg-video: fuse infrared + visible video streams with a trained TeSG, frame by frame"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  std::string checkpoint, baseline, log_level = "info";
  std::vector<std::string> overrides;
  std::optional<int64_t> sig_every, threads;
  std::optional<std::string> codec, device;
  std::optional<double> fps;
  tesg::video::VideoJob job;
  app.add_option("--checkpoint", checkpoint, "TeSG checkpoint (models/*.pt, a run's best.pt)");
  app.add_option("--baseline", baseline, "fuse with a baseline instead: avg | max | edge_guided");
  app.add_option("--ir-video", job.ir, "infrared: video file, numbered frame folder, camera (0, /dev/video0) or URL")
      ->required();
  app.add_option("--vi-video", job.vi, "visible: the same kinds; frames are paired by index")->required();
  app.add_option("--out", job.out_video, "fused video file (.mp4 with avc1 / mp4v, .avi with MJPG)");
  app.add_option("--frames-out", job.out_frames, "also (or only) write fused frames <index>.png here");
  app.add_option("--first", job.first, "first frame to fuse (0-based)")->check(CLI::NonNegativeNumber);
  app.add_option("--count", job.count, "frames to fuse (default: to the end)")->check(CLI::NonNegativeNumber);
  app.add_option("--codec", codec, "FourCC of the output video (fuse.video_codec, default avc1 = H.264)");
  app.add_option("--fps", fps, "frame rate of frame folders (fuse.frame_rate)");
  app.add_option("--sig-every", sig_every, "semantic inputs every N frames, carried between (fuse.sig_every)");
  app.add_flag("--drop", job.drop, "live sources: keep the newest frame when fusion falls behind (drops counted)");
  app.add_flag("--overwrite", job.overwrite, "replace an existing output video");
  app.add_option("--device", device, "cpu | cuda | cuda:N (fuse.device)");
  app.add_option("--threads", threads, "CPU threads, 0 = all cores (fuse.threads)");
  app.add_option("--set", overrides, "override a config key, e.g. fuse.scene_change=0.5");
  app.add_option("--log-level", log_level, "debug | info | warn | error");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(log_level);
  try {
    namespace infer = tesg::infer;
    if (checkpoint.empty() == baseline.empty()) {
      throw tesg::ConfigError("give either --checkpoint PATH or --baseline avg|max|edge_guided");
    }
    if (sig_every) overrides.push_back("fuse.sig_every=" + std::to_string(*sig_every));
    if (codec) overrides.push_back("fuse.video_codec=" + *codec);
    if (fps) overrides.push_back("fuse.frame_rate=" + std::to_string(*fps));
    if (device) overrides.push_back("fuse.device=" + *device);
    if (threads) overrides.push_back("fuse.threads=" + std::to_string(*threads));
    const auto config = checkpoint.empty() ? tesg::parse_config("", "defaults", overrides)
                                           : infer::checkpoint_config(checkpoint, overrides);
    const int used_threads = tesg::configure_threads(static_cast<int>(config.fuse.threads));
    const infer::SigInputs sig(config.sig, "");
    std::unique_ptr<infer::FusionModel> model;
    infer::FuseFn fuse = checkpoint.empty() ? infer::baseline_fusion(baseline) : nullptr;
    if (!fuse) {
      model = std::make_unique<infer::FusionModel>(checkpoint, config);
      fuse = model->as_fuse_fn();
    }
    spdlog::info("{} on {} ({} CPU threads), SIG every {} frames: {}", checkpoint.empty() ? baseline : checkpoint,
                 config.fuse.device, used_threads, config.fuse.sig_every, sig.backends());
    tesg::cluster::install_stop_handlers();
    const auto summary = tesg::video::fuse_video(fuse, sig, job, config.fuse);
    for (const auto& line : tesg::video::summary_lines(summary)) spdlog::info("{}", line);
    if (!summary.error.empty()) {
      spdlog::error("{}", summary.error);
      return 1;
    }
    if (summary.stop_signal != 0) return tesg::cluster::kExitStoppedBySignal;
    spdlog::info("outputs: {}{}{}", job.out_video, job.out_video.empty() || job.out_frames.empty() ? "" : ", ",
                 job.out_frames);
    return 0;
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

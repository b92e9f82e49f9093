#include "tesg/video/video_fusion.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <thread>

#include "../infer/bounded_queue.h"
#include "tesg/cluster/stop_signals.h"
#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"
#include "tesg/progress.h"
#include "tesg/video/frame_sink.h"
#include "tesg/video/frame_source.h"
#include "tesg/video/key_frame_semantics.h"

namespace tesg::video {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct FramePair {
  int64_t index;
  cv::Mat ir, vi;
};

struct FusedFrame {
  int64_t index;
  torch::Tensor rgb;  // [3,H,W] in [0,1]
};

std::string size_text(const SourceInfo& s) { return std::to_string(s.width) + "x" + std::to_string(s.height); }

// The two sources, checked against each other, positioned at the first frame of the range.
struct Sources {
  FrameSource *ir, *vi;
  int64_t frames = -1;  // frames to fuse, -1 = until a live source stops
  double fps = 0;       // of the output
  bool live = false;
};

Sources plan_sources(FrameSource& ir, FrameSource& vi, const VideoJob& job, const FuseConfig& config,
                     std::vector<std::string>& warnings) {
  Sources s{&ir, &vi};
  const auto &a = ir.info(), &b = vi.info();
  if (a.width != b.width || a.height != b.height) {
    throw DataError(b.name + ": frames of " + size_text(b) + ", the infrared " + a.name + " has " + size_text(a));
  }
  s.live = a.live || b.live;
  int64_t total = a.frames >= 0 && b.frames >= 0 ? std::min(a.frames, b.frames) : std::max(a.frames, b.frames);
  if (a.frames >= 0 && b.frames >= 0 && a.frames != b.frames) {
    warnings.push_back("frame counts differ (infrared " + std::to_string(a.frames) + ", visible " +
                       std::to_string(b.frames) + "): pairing by index, fusing the first " + std::to_string(total));
  }
  s.fps = b.fps > 0 ? b.fps : (a.fps > 0 ? a.fps : config.frame_rate);
  if (a.fps > 0 && b.fps > 0 && std::abs(a.fps - b.fps) > 1e-3) {
    warnings.push_back("frame rates differ (infrared " + fmt::format("{:.3f}", a.fps) + ", visible " +
                       fmt::format("{:.3f}", b.fps) + " fps): pairing by index, writing at the visible's rate");
  }
  if (total >= 0 && job.first >= total) {
    throw DataError(a.name + ": first frame " + std::to_string(job.first) + " is past the end (" +
                    std::to_string(total) + " frame pairs)");
  }
  s.ir->skip(job.first);
  s.vi->skip(job.first);
  s.frames = total >= 0 ? total - job.first : -1;
  if (job.count >= 0) s.frames = s.frames >= 0 ? std::min(s.frames, job.count) : job.count;
  return s;
}

std::unique_ptr<VideoFileSink> open_video_sink(const VideoJob& job, const FuseConfig& config, const Sources& s) {
  if (job.out_video.empty()) return nullptr;
  const fs::path out(job.out_video);
  if (fs::exists(out) && !job.overwrite) throw ConfigError(job.out_video + ": exists (--overwrite replaces it)");
  if (!out.parent_path().empty()) fs::create_directories(out.parent_path());
  io::remove_stale_temp_files(out.parent_path().empty() ? "." : out.parent_path().string());
  return std::make_unique<VideoFileSink>(job.out_video, config.video_codec, s.fps,
                                         cv::Size(s.ir->info().width, s.ir->info().height));
}

// Decoding thread -> this thread (semantics and fusion) -> encoding thread.
class Pipeline {
 public:
  Pipeline(Sources& sources, const infer::FuseFn& fuse, const infer::SigInputs& sig, const VideoJob& job,
           const FuseConfig& config, VideoFileSink* video)
      : sources_(sources), fuse_(fuse), job_(job), video_(video),
        semantics_([&sig](data::FusionSample& s) { sig.attach(s); },
                   {config.sig_every, config.scene_change, config.video_flow}),
        pairs_(static_cast<size_t>(config.video_queue)), fused_(static_cast<size_t>(config.video_queue)),
        progress_("frames", sources.frames) {}

  void run(VideoSummary& summary) {
    const auto start = Clock::now();
    std::thread decoder([this] { decode(); }), encoder([this] { encode(); });
    // Frames decoded before an error are still fused and written; after a fusion error none are.
    bool fusing = true;
    for (auto pair = pairs_.pop(); pair; pair = pairs_.pop()) {
      if (fusing) fusing = fuse_frame(*pair);
    }
    fused_.close();
    decoder.join();
    encoder.join();
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    summary.frames = written_;
    summary.key_frames = semantics_.key_frames();
    summary.dropped = dropped_;
    summary.error = error_;
  }

 private:
  bool failed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return !error_.empty();
  }
  void fail(const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error_.empty()) error_ = one_line(e);
    }
    pairs_.close();  // the decoder stops; frames it decoded before are still fused and written
  }

  void decode() {
    try {
      for (int64_t k = 0; sources_.frames < 0 || k < sources_.frames; ++k) {
        if (failed() || cluster::stop_signal() != 0) break;
        FramePair pair{sources_.ir->position(), {}, {}};
        if (!sources_.ir->read(pair.ir) || !sources_.vi->read(pair.vi)) break;  // the shorter source ended
        if (sources_.live && job_.drop) {
          dropped_ += pairs_.push_dropping_oldest(std::move(pair)) ? 1 : 0;
        } else {
          pairs_.push(std::move(pair));
        }
      }
    } catch (const std::exception& e) {
      fail(e);
    }
    pairs_.close();
  }

  bool fuse_frame(const FramePair& pair) {
    try {
      const auto name = [&](const SourceInfo& s) { return s.name + " frame " + std::to_string(pair.index); };
      data::FusionSample sample{fmt::format("{:06d}", pair.index), io::visible_from_mat(pair.vi, name(sources_.vi->info())),
                                io::infrared_from_mat(pair.ir, name(sources_.ir->info())), {}, {}};
      sample.mask = torch::zeros_like(sample.ir);
      semantics_.attach(sample);
      const auto ft = sample.ft.defined() ? sample.ft.unsqueeze(0) : sample.ft;
      fused_.push({pair.index, fuse_(sample.vi.unsqueeze(0), sample.ir.unsqueeze(0), sample.mask.unsqueeze(0), ft)[0]});
      return true;
    } catch (const std::exception& e) {
      fail(e);
      return false;
    }
  }

  void encode() {
    bool writing = true;
    for (auto frame = fused_.pop(); frame; frame = fused_.pop()) {
      if (!writing) continue;
      try {
        if (video_) video_->write(io::to_bgr_mat(frame->rgb));
        if (!job_.out_frames.empty()) io::write_png(frame_file(job_.out_frames, frame->index), frame->rgb);
        ++written_;
        progress_.advance();
      } catch (const std::exception& e) {
        fail(e);
        writing = false;
      }
    }
  }

  Sources& sources_;
  const infer::FuseFn& fuse_;
  const VideoJob& job_;
  VideoFileSink* video_;
  KeyFrameSemantics semantics_;  // used by the fusing thread only
  infer::BoundedQueue<FramePair> pairs_;
  infer::BoundedQueue<FusedFrame> fused_;
  Progress progress_;
  std::mutex mutex_;
  std::string error_;
  std::atomic<int64_t> written_{0}, dropped_{0};
};

}  // namespace

VideoSummary fuse_video(const infer::FuseFn& fuse, const infer::SigInputs& sig, const VideoJob& job,
                        const FuseConfig& config) {
  if (job.out_video.empty() && job.out_frames.empty()) throw ConfigError("no output: give a video file and/or a frame folder");
  const auto ir = open_frame_source(job.ir, config.frame_rate), vi = open_frame_source(job.vi, config.frame_rate);
  return fuse_video(fuse, sig, *ir, *vi, job, config);
}

VideoSummary fuse_video(const infer::FuseFn& fuse, const infer::SigInputs& sig, FrameSource& ir, FrameSource& vi,
                        const VideoJob& job, const FuseConfig& config) {
  if (job.out_video.empty() && job.out_frames.empty()) throw ConfigError("no output: give a video file and/or a frame folder");
  VideoSummary summary;
  auto sources = plan_sources(ir, vi, job, config, summary.warnings);
  for (const auto& w : summary.warnings) spdlog::warn("{}", w);
  summary.source_fps = sources.fps;
  auto video = open_video_sink(job, config, sources);
  if (!job.out_frames.empty()) fs::create_directories(job.out_frames);
  Pipeline(sources, fuse, sig, job, config, video.get()).run(summary);
  if (video) video->finish();
  summary.stop_signal = cluster::stop_signal();
  return summary;
}

std::vector<std::string> summary_lines(const VideoSummary& s) {
  std::vector<std::string> lines;
  if (!s.error.empty()) lines.push_back("stopped by an error: " + s.error);
  if (s.stop_signal != 0) lines.push_back(std::string("stopped by ") + cluster::signal_name(s.stop_signal));
  lines.push_back(fmt::format("{} frames fused ({} key frames with SIG, {} dropped) in {:.1f} s: {:.2f} fps, "
                              "real-time factor {:.3f} at the source's {:.2f} fps",
                              s.frames, s.key_frames, s.dropped, s.seconds, s.fps(), s.real_time_factor(),
                              s.source_fps));
  return lines;
}

}  // namespace tesg::video

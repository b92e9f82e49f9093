#pragma once
// Fusing a clip pair (tesg-video): both sources decoded on one thread, fused on the calling
// thread with key-frame semantics, encoded on another, bounded queues between them. Files never
// drop frames; live sources may (--drop: the newest frame is kept, the dropped ones counted).
// Whatever stops the job (an error, SIGTERM), the video written so far is finalised and kept.
#include <cstdint>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/infer/fuse_fn.h"
#include "tesg/infer/sig_inputs.h"

namespace tesg::video {

class FrameSource;

struct VideoJob {
  std::string ir, vi;        ///< sources: video files, frame folders, cameras or stream URLs
  int64_t first = 0;         ///< first frame fused
  int64_t count = -1;        ///< frames fused, -1 = to the end
  bool drop = false;         ///< live sources: drop frames when fusion is slower than the source
  std::string out_video;     ///< fused video file ("" = none)
  std::string out_frames;    ///< folder of fused PNG frames ("" = none)
  bool overwrite = false;    ///< replace an existing output video
};

struct VideoSummary {
  std::string method;
  int64_t frames = 0;        ///< frames fused and written
  int64_t key_frames = 0;    ///< frames whose semantics were computed
  int64_t dropped = 0;       ///< live frames dropped
  double source_fps = 0;     ///< the output's frame rate
  double seconds = 0;        ///< wall time from the first frame read to the last written
  std::vector<std::string> warnings;  ///< mismatches between the sources and the policy applied
  std::string error;         ///< what stopped the job early ("" = it ran to the end)
  int stop_signal = 0;       ///< the signal that stopped it, 0 = none

  double fps() const { return seconds > 0 ? double(frames) / seconds : 0; }
  double real_time_factor() const { return source_fps > 0 ? fps() / source_fps : 0; }
};

/// Fuses `job`'s clip pair with `fuse`, semantic inputs from `sig` on key frames (config:
/// fuse.sig_every, scene_change, video_flow) and carried between them. Throws DataError before
/// any frame when the sources cannot be opened or their sizes differ, ConfigError for an output
/// that exists (without overwrite) or a codec that cannot be written. Errors after the first frame
/// end the job with what was written kept, and are returned in `error`.
VideoSummary fuse_video(const infer::FuseFn& fuse, const infer::SigInputs& sig, const VideoJob& job,
                        const FuseConfig& config);

/// The same from sources already open (`job.ir` and `job.vi` unused): a program's own FrameSource.
VideoSummary fuse_video(const infer::FuseFn& fuse, const infer::SigInputs& sig, FrameSource& ir, FrameSource& vi,
                        const VideoJob& job, const FuseConfig& config);

/// The summary as the lines tesg-video prints.
std::vector<std::string> summary_lines(const VideoSummary& summary);

}  // namespace tesg::video

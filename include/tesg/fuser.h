#pragma once
/// \file
/// tesg as a library, in one class: load a trained TeSG checkpoint once, then fuse infrared and
/// visible frames one at a time, from cv::Mat or tensors, at their own size. With
/// tesg/stream_fuser.h, tesg/error.h and tesg/version.h it is the installed API; the rest of
/// include/tesg/ is the machinery the apps use (datasets, training, folders of images).
///
/// \code
///   tesg::Fuser fuser("models/tesg_cpu_edge_guided.pt");
///   cv::Mat fused = fuser.fuse(cv::imread("ir.png", cv::IMREAD_UNCHANGED),
///                              cv::imread("vi.png", cv::IMREAD_UNCHANGED));   // 8-bit BGR
/// \endcode
///
/// Errors are thrown as tesg::Error (tesg/error.h): a wrong checkpoint (CheckpointError), a bad
/// option (ConfigError), unusable frames (DataError); what() is one line naming the problem.
#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tesg/error.h"
#include "tesg/version.h"

namespace tesg {

/// How a Fuser runs: device, precision, CPU threads, and config keys to override.
struct FuserOptions {
  std::string device = "cpu";       ///< cpu | cuda | cuda:N
  std::string precision = "fp32";   ///< fp32 | fp16 | bf16 (CUDA for the last two)
  int threads = 0;                  ///< LibTorch's intra-op CPU threads for the process; 0 = every core
  std::vector<std::string> overrides;  ///< config keys as tesg-fuse's --set, e.g. "fuse.tile_pixels=1000000"
};

/// `options` as config overrides ("fuse.device=cpu", ...), after the caller's own `overrides`.
std::vector<std::string> config_overrides(const FuserOptions& options);

/// The semantic inputs of a frame (paper Sec. 3.2), when the caller has them (e.g. from
/// tesg-sig): otherwise the checkpoint's weight-free SIG backends compute them inside.
struct Semantics {
  at::Tensor mask;  ///< [1,H,W] in {0,1}: the key targets
  at::Tensor text;  ///< [L,D] text semantics; undefined = none (the model's null text)
};

/// A loaded TeSG checkpoint that fuses infrared + visible frames. One Fuser may be shared by
/// threads; its calls are serialised (one frame at a time per Fuser). For frames in parallel,
/// use one Fuser per thread or GPU.
class Fuser {
 public:
  /// Loads `checkpoint` (weights-only or training) with the config it carries. Throws
  /// CheckpointError or ConfigError.
  explicit Fuser(const std::string& checkpoint, const FuserOptions& options = {});
  ~Fuser();
  Fuser(Fuser&&) noexcept;             ///< moves the loaded model; the source is left empty
  Fuser& operator=(Fuser&&) noexcept;  ///< moves the loaded model; the source is left empty

  /// `ir`: 8- or 16-bit, gray or 3 equal channels (a colour one is reduced to luma); `vi`: 8- or
  /// 16-bit BGR or gray; both of the same size, any size. Returns the fused frame as 8-bit BGR of
  /// that size: exactly the pixels tesg-fuse writes for the same files. `name` is the frame's
  /// stem for SIG backends that look files up by it (file masks, file captions).
  cv::Mat fuse(const cv::Mat& ir, const cv::Mat& vi, const std::string& name = "frame") const;

  /// `ir` [1,H,W] and `vi` [3,H,W] float in [0,1] (RGB) -> fused [3,H,W] RGB in [0,1], float32
  /// on the CPU. Without `semantics`, computed as for the cv::Mat overload.
  at::Tensor fuse(const at::Tensor& ir, const at::Tensor& vi, const Semantics* semantics = nullptr,
                  const std::string& name = "frame") const;

  /// The device the model runs on, e.g. "cpu", "cuda:0".
  std::string device() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tesg

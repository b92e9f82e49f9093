#pragma once
// Any ultralytics TorchScript YOLO export run from C++: metadata from its `config.txt`, both
// output layouts, letterbox in, class-aware NMS and boxes back in image pixels out.
// Needs OpenCV.
#include <torch/script.h>

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tesg/detect/box.h"
#include "tesg/detect/letterbox.h"
#include "tesg/detect/nms.h"

namespace tesg::detect {

/// The two output layouts of ultralytics exports.
enum class YoloLayout {
  kV5,  ///< YOLOv5: [B, N, 5 + C] = cx, cy, w, h, objectness, class probabilities
  kV8,  ///< YOLOv8 / YOLO11: [B, 4 + C, N] = cx, cy, w, h, class scores
};

struct DetectorOptions {
  std::string device = "cpu";  ///< cpu | cuda | cuda:N
  bool half = false;           ///< fp16 forward pass (CUDA only)
  double conf = 0.001;         ///< ultralytics' validation confidence threshold
  double iou = 0;              ///< NMS IoU; 0 = the layout's validation default (v5 0.6, v8 0.7)
  int64_t max_det = 300;
  std::vector<int64_t> classes;  ///< detector class ids to keep; empty keeps all
};

/// What the file declares (ultralytics' `config.txt`) and what its output showed.
struct DetectorInfo {
  int64_t input_w = 0, input_h = 0, stride = 32;
  std::vector<std::string> names;  ///< class names by detector class id
  YoloLayout layout = YoloLayout::kV5;
};

/// Recognises the layout of a raw output [B, ., .] for `num_classes` classes (0 = unknown:
/// decided by which side is longer). Throws tesg::Error naming the shape when neither fits.
YoloLayout recognise_layout(const at::IntArrayRef& shape, int64_t num_classes);

/// A raw output of either layout as candidates [B, N, 4 + C]: cx, cy, w, h in input pixels, then
/// class scores (objectness x class probability for YOLOv5).
at::Tensor yolo_candidates(const at::Tensor& output, YoloLayout layout);

class Detector {
 public:
  /// Loads `path` (TorchScript with `config.txt`, or with neither the input size is asked of
  /// `fallback_input`). Throws tesg::Error "<path>: ..." for a file that is not TorchScript, a
  /// config.txt that cannot be read, or a model whose output has neither layout (one probe
  /// forward pass at load).
  Detector(const std::string& path, DetectorOptions options = {}, int64_t fallback_input = 640);
  ~Detector();

  const DetectorInfo& info() const { return info_; }
  const DetectorOptions& options() const { return options_; }
  /// The NMS IoU in effect (the option, or the layout's default).
  double nms_iou() const { return nms_.iou; }
  /// One line for logs: layout, input size, class count, NMS IoU.
  std::string summary() const;
  /// Only these detector class ids are detected from now on (empty: all).
  void keep_classes(std::vector<int64_t> ids) { nms_.classes = std::move(ids); }

  /// Detections of each 8-bit BGR image, boxes in its pixels. Batched where the traced model
  /// accepts a batch (found out on the first call), else one image per forward pass.
  std::vector<Detections> detect(const std::vector<cv::Mat>& bgr_images);

  /// The raw forward pass on a letterboxed batch [B, 3, H, W] in [0,1] as candidates
  /// [B, N, 4 + C] (float, on the detector's device). Differentiable in `batch`: the detector's
  /// own weights are frozen (they never require gradients), so a loss on the candidates trains
  /// only what made the batch.
  at::Tensor candidates(const at::Tensor& batch);
  /// The frozen weights (for tests and memory accounting).
  std::vector<at::Tensor> parameters() const;
  /// The device the detector runs on.
  c10::Device device() const { return device_; }

 private:
  std::vector<Detections> detect_batch(const std::vector<cv::Mat>& images);

  std::string path_;
  DetectorOptions options_;
  DetectorInfo info_;
  NmsOptions nms_;
  std::unique_ptr<torch::jit::script::Module> module_;
  c10::Device device_{c10::kCPU};
  int64_t max_batch_ = 0;  ///< 0 until the first batch shows whether batches work
};

}  // namespace tesg::detect

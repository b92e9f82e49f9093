#pragma once
// Class-aware non-maximum suppression of YOLO candidates with ultralytics' validation settings.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "tesg/detect/box.h"

namespace tesg::detect {

struct NmsOptions {
  double conf = 0.001;      ///< candidates scoring at most this are dropped
  double iou = 0.7;         ///< a box overlapping a better one of its class by more is dropped
  int64_t max_det = 300;    ///< detections kept per image
  int64_t max_nms = 30000;  ///< candidates entering NMS (the best ones)
  bool multi_label = true;  ///< every class above `conf` is a candidate, not only the best
  std::vector<int64_t> classes;  ///< class ids to keep; empty keeps all
};

/// `candidates` [N, 4 + C] on the CPU: box centre x, y, width, height, then C class scores.
/// Returns the kept detections by descending score, as ultralytics' `non_max_suppression`:
/// boxes offset by class x 7680 so classes never suppress each other, greedy suppression at
/// IoU > `iou` in float32.
Detections non_max_suppression(const at::Tensor& candidates, const NmsOptions& options);

}  // namespace tesg::detect

#pragma once
// Task-driven training's detection loss: any frozen TorchScript YOLO export looks at the fused,
// the infrared and the visible image through the validator's letterbox (differentiable for the
// fused image) and scores them with the detection objective. Needs OpenCV.
#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include <memory>
#include <string>
#include <vector>

#include "tesg/detect/class_map.h"
#include "tesg/detect/letterbox.h"
#include "tesg/task/detection_objective.h"

namespace tesg::detect {
class Detector;
}

namespace tesg::task {

struct DetectionTaskOptions {
  /// An ultralytics TorchScript YOLO export (tesg-detect's --detector).
  TORCH_ARG(std::string, detector);
  /// Scored classes as tesg-detect's --classes (`person=0,bicycle=1,car=2`: detector class =
  /// label id); empty: every detector class, label id = detector id.
  TORCH_ARG(std::string, classes);
  TORCH_ARG(std::string, device) = "cpu";
  TORCH_ARG(DetectionObjectiveOptions, objective);
};

class DetectionTask {
 public:
  /// Loads the detector (frozen). Throws tesg::Error naming the file (not TorchScript, no YOLO
  /// output) or a class the detector does not have.
  explicit DetectionTask(const DetectionTaskOptions& options);
  ~DetectionTask();

  /// fused [B, 3, h, w] RGB in [0, 1] (with gradients), vi [B, 3, h, w], ir [B, 1, h, w];
  /// `labels`: empty, or per image its objects in image pixels with label ids (nullopt: none);
  /// `geometry`: empty (each image letterboxed as the validator does), or per image where it
  /// lands in the detector input (Letterbox::fit_crop for crops). Gradients flow into `fused` only.
  DetectionObjectiveTerms operator()(const at::Tensor& fused, const at::Tensor& vi, const at::Tensor& ir,
                                     const std::vector<ImageLabels>& labels = {},
                                     std::vector<detect::Letterbox> geometry = {});

  const detect::Detector& detector() const { return *detector_; }
  const detect::ClassMap& classes() const { return classes_; }

 private:
  at::Tensor scored(const at::Tensor& candidates) const;
  at::Tensor letterboxed(const at::Tensor& images, const std::vector<detect::Letterbox>& geometry) const;

  DetectionTaskOptions options_;
  std::unique_ptr<detect::Detector> detector_;
  detect::ClassMap classes_;
  at::Tensor columns_;  ///< the box columns, then the scored classes' columns in label order
};

}  // namespace tesg::task

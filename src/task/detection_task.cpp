#include "tesg/task/detection_task.h"

#include <torch/torch.h>

#include "tesg/detect/detector.h"
#include "tesg/detect/letterbox.h"
#include "tesg/error.h"

namespace tesg::task {
namespace {

detect::DetectorOptions detector_options(const std::string& device) {
  detect::DetectorOptions o;
  o.device = device;
  return o;
}

}  // namespace

DetectionTask::DetectionTask(const DetectionTaskOptions& options)
    : options_(options),
      detector_(std::make_unique<detect::Detector>(options.detector(), detector_options(options.device()))) {
  const auto& names = detector_->info().names;
  try {
    classes_ = options.classes().empty() ? detect::identity_class_map(names)
                                         : detect::parse_class_map(options.classes(), names);
  } catch (const Error& e) {
    throw Error("classes '" + options.classes() + "': " + e.what());
  }
  std::vector<int64_t> columns = {0, 1, 2, 3};
  for (const auto& entry : classes_.entries) columns.push_back(4 + entry.detector_id);
  columns_ = torch::tensor(columns, torch::kLong).to(detector_->device());
}

DetectionTask::~DetectionTask() = default;

at::Tensor DetectionTask::scored(const at::Tensor& candidates) const { return candidates.index_select(2, columns_); }

at::Tensor DetectionTask::letterboxed(const at::Tensor& images, const std::vector<detect::Letterbox>& geometry) const {
  std::vector<at::Tensor> inputs;
  for (int64_t b = 0; b < images.size(0); ++b)
    inputs.push_back(detect::letterbox_tensor(images.narrow(0, b, 1), geometry[static_cast<size_t>(b)]));
  return torch::cat(inputs);
}

DetectionObjectiveTerms DetectionTask::operator()(const at::Tensor& fused, const at::Tensor& vi, const at::Tensor& ir,
                                                  const std::vector<ImageLabels>& labels,
                                                  std::vector<detect::Letterbox> geometry) {
  const auto batch = fused.size(0);
  const auto& info = detector_->info();
  if (geometry.empty())
    geometry.assign(static_cast<size_t>(batch), detect::Letterbox::fit(fused.size(3), fused.size(2), info.input_w, info.input_h));
  if (static_cast<int64_t>(geometry.size()) != batch || (!labels.empty() && static_cast<int64_t>(labels.size()) != batch))
    throw Error("detection task: one geometry and one label entry per image");
  const auto device = detector_->device();
  at::Tensor sources;
  {
    torch::NoGradGuard no_grad;  // the sources only teach
    const auto ir3 = ir.detach().expand({-1, 3, -1, -1}).to(device, torch::kFloat32);
    const auto vi3 = vi.detach().to(device, torch::kFloat32);
    sources = scored(detector_->candidates(torch::cat({letterboxed(ir3, geometry), letterboxed(vi3, geometry)})));
  }
  const auto fused_candidates = scored(detector_->candidates(letterboxed(fused.to(device, torch::kFloat32), geometry)));
  std::vector<ImageLabels> in_input;  // label boxes in input pixels, classes as scored columns
  for (size_t b = 0; b < labels.size(); ++b) {
    if (!labels[b]) {
      in_input.emplace_back();
      continue;
    }
    detect::Objects objects;
    for (const auto& o : *labels[b]) {
      const auto column = classes_.label_index(o.cls);
      if (column >= 0) objects.push_back({geometry[b].to_input(o.box), column});
    }
    in_input.emplace_back(std::move(objects));
  }
  return detection_objective(fused_candidates, sources.narrow(0, 0, batch), sources.narrow(0, batch, batch),
                             options_.objective(), in_input);
}

}  // namespace tesg::task

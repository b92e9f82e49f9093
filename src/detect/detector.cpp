#include "tesg/detect/detector.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tesg/error.h"

namespace tesg::detect {
namespace {

constexpr double kIouV5 = 0.6;  // YOLOv5's val.py
constexpr double kIouV8 = 0.7;  // ultralytics' default.yaml `iou`

std::string shape_string(const at::IntArrayRef& shape) {
  std::ostringstream s;
  s << shape;
  return s.str();
}

// The first tensor of an output: a tensor, or a tuple / list starting with one.
at::Tensor first_tensor(const c10::IValue& v) {
  if (v.isTensor()) return v.toTensor();
  if (v.isTuple() && !v.toTuple()->elements().empty()) return first_tensor(v.toTuple()->elements()[0]);
  if (v.isList() && v.toList().size() > 0) return first_tensor(v.toList().get(0));
  throw Error("detector output is neither a tensor nor a tuple or list starting with one");
}

std::vector<std::string> names_from_json(const nlohmann::json& names) {
  std::vector<std::string> out;
  if (names.is_array()) {
    for (const auto& n : names) out.push_back(n.get<std::string>());
  } else if (names.is_object()) {  // {"0": "person", ...}
    out.resize(names.size());
    for (const auto& [key, value] : names.items()) {
      const auto id = std::stoul(key);
      if (id >= out.size()) throw Error("class ids of 'names' are not 0..N-1");
      out[id] = value.get<std::string>();
    }
  }
  return out;
}

// ultralytics' export metadata: "shape" [B, C, H, W] (or "imgsz" [H, W] / N), "stride", "names".
void read_config(const std::string& text, DetectorInfo& info) {
  const auto config = nlohmann::json::parse(text);
  if (config.contains("shape")) {
    const auto shape = config["shape"].get<std::vector<int64_t>>();
    if (shape.size() != 4) throw Error("config.txt: 'shape' is not [B, C, H, W]");
    info.input_h = shape[2], info.input_w = shape[3];
  } else if (config.contains("imgsz")) {
    const auto& s = config["imgsz"];
    info.input_h = s.is_array() ? s[0].get<int64_t>() : s.get<int64_t>();
    info.input_w = s.is_array() ? s[1].get<int64_t>() : s.get<int64_t>();
  }
  if (config.contains("stride")) info.stride = config["stride"].get<int64_t>();
  if (config.contains("names")) info.names = names_from_json(config["names"]);
}

}  // namespace

YoloLayout recognise_layout(const at::IntArrayRef& shape, int64_t nc) {
  if (shape.size() == 3) {
    if (nc > 0 && shape[2] == 5 + nc) return YoloLayout::kV5;
    if (nc > 0 && shape[1] == 4 + nc) return YoloLayout::kV8;
    if (nc == 0 && shape[1] > shape[2] && shape[2] >= 6) return YoloLayout::kV5;
    if (nc == 0 && shape[2] > shape[1] && shape[1] >= 5) return YoloLayout::kV8;
  }
  const auto c = nc > 0 ? std::to_string(nc) : std::string("C");
  throw Error("detector output " + shape_string(shape) + " is neither YOLOv5 [B, N, 5 + " + c +
              "] nor YOLOv8 [B, 4 + " + c + ", N]");
}

at::Tensor yolo_candidates(const at::Tensor& output, YoloLayout layout) {
  const auto out = output.to(torch::kFloat32);
  if (layout == YoloLayout::kV8) return out.transpose(1, 2);
  using torch::indexing::Slice;
  const auto scores = out.index({Slice(), Slice(), Slice(5)}) * out.index({Slice(), Slice(), Slice(4, 5)});
  return torch::cat({out.index({Slice(), Slice(), Slice(0, 4)}), scores}, 2);
}

Detector::Detector(const std::string& path, DetectorOptions options, int64_t fallback_input)
    : path_(path), options_(std::move(options)) {
  const torch::Device device(options_.device);
  device_ = device;
  if (options_.half && !device.is_cuda()) throw Error("--half needs a CUDA device");
  torch::jit::ExtraFilesMap extra{{"config.txt", ""}};
  try {
    module_ = std::make_unique<torch::jit::script::Module>(torch::jit::load(path, device, extra));
  } catch (const c10::Error& e) {
    throw Error(path + ": not a TorchScript model (" + one_line(e) + ")");
  }
  try {
    if (!extra["config.txt"].empty()) read_config(extra["config.txt"], info_);
  } catch (const std::exception& e) {
    throw Error(path + ": config.txt: " + one_line(e));
  }
  if (info_.input_w == 0) info_.input_w = info_.input_h = fallback_input;
  module_->eval();
  if (options_.half) module_->to(torch::kHalf);
  if (device.is_cpu()) {  // oneDNN convolutions run 20-30 % faster on NHWC weights and inputs
    for (auto p : module_->parameters())
      if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
  }
  for (auto p : module_->parameters()) p.requires_grad_(false);  // a frozen detector
  torch::NoGradGuard no_grad;
  const auto probe = torch::zeros({1, 3, info_.input_h, info_.input_w}, torch::TensorOptions(device));
  at::Tensor raw;
  try {
    raw = first_tensor(module_->forward({options_.half ? probe.to(torch::kHalf) : probe}));
    info_.layout = recognise_layout(raw.sizes(), static_cast<int64_t>(info_.names.size()));
  } catch (const std::exception& e) {
    throw Error(path + ": " + one_line(e));
  }
  if (info_.names.empty()) {
    const auto nc = info_.layout == YoloLayout::kV5 ? raw.size(2) - 5 : raw.size(1) - 4;
    for (int64_t c = 0; c < nc; ++c) info_.names.push_back(std::to_string(c));
  }
  nms_.conf = options_.conf;
  nms_.iou = options_.iou > 0 ? options_.iou : info_.layout == YoloLayout::kV5 ? kIouV5 : kIouV8;
  nms_.max_det = options_.max_det;
  nms_.classes = options_.classes;
}

Detector::~Detector() = default;

std::string Detector::summary() const {
  std::ostringstream line;
  line << (info_.layout == YoloLayout::kV5 ? "YOLOv5" : "YOLOv8") << " layout, input " << info_.input_w << "x"
       << info_.input_h << ", " << info_.names.size() << " classes, NMS IoU " << nms_.iou;
  return line.str();
}

at::Tensor Detector::candidates(const at::Tensor& batch) {
  auto input = batch.to(device_);
  if (device_.is_cpu()) input = input.contiguous(at::MemoryFormat::ChannelsLast);
  if (options_.half) input = input.to(torch::kHalf);
  const auto raw = first_tensor(module_->forward({input}));
  if (raw.dim() != 3 || raw.size(0) != batch.size(0))
    throw Error(path_ + ": output " + shape_string(raw.sizes()) + " for a batch of " +
                std::to_string(batch.size(0)));
  return yolo_candidates(raw, info_.layout);
}

std::vector<at::Tensor> Detector::parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& p : module_->parameters()) out.push_back(p);
  return out;
}

std::vector<Detections> Detector::detect_batch(const std::vector<cv::Mat>& images) {
  std::vector<Letterbox> geometry;
  std::vector<at::Tensor> inputs;
  for (const auto& image : images) {
    geometry.push_back(Letterbox::fit(image.cols, image.rows, info_.input_w, info_.input_h));
    inputs.push_back(letterbox_image(image, geometry.back()));
  }
  torch::NoGradGuard no_grad;
  const auto cands = candidates(torch::stack(inputs)).to(torch::kCPU);
  std::vector<Detections> out;
  for (size_t b = 0; b < images.size(); ++b) {
    auto dets = non_max_suppression(cands[static_cast<int64_t>(b)], nms_);
    for (auto& d : dets) d.box = geometry[b].to_source(d.box);
    out.push_back(std::move(dets));
  }
  return out;
}

std::vector<Detections> Detector::detect(const std::vector<cv::Mat>& images) {
  if (images.size() > 1 && max_batch_ == 0) {
    try {
      auto out = detect_batch(images);
      max_batch_ = std::numeric_limits<int64_t>::max();
      return out;
    } catch (const std::exception& e) {
      spdlog::info("{}: runs one image per forward pass (a batch of {} failed: {})", path_,
                   images.size(), one_line(e));
      max_batch_ = 1;
    }
  }
  if (max_batch_ != 1) return detect_batch(images);
  std::vector<Detections> out;
  for (const auto& image : images) out.push_back(detect_batch({image})[0]);
  return out;
}

}  // namespace tesg::detect

#include "tesg/segment/segmentation_evaluation.h"

#include <spdlog/fmt/fmt.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/io/table_number.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"
#include "tesg/io/image_decode.h"
#include "tesg/progress.h"

namespace tesg::segment {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> read_names(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot be read (class names)");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

cv::Mat read_label_map(const std::string& path) {
  const auto map = io::decode_image_file(path, cv::IMREAD_UNCHANGED);
  if (map.type() != CV_8UC1) throw DataError(path + ": not an 8-bit single-channel label map");
  return map;
}

// A TorchScript segmenter: image -> label map of the image's size.
class Segmenter {
 public:
  Segmenter(const std::string& path, const std::string& device) : device_(device) {
    try {
      module_ = torch::jit::load(path, device_);
    } catch (const c10::Error& e) {
      throw Error(path + ": not a TorchScript model (" + one_line(e) + ")");
    }
    module_.eval();
  }

  cv::Mat segment(const cv::Mat& bgr) {
    torch::NoGradGuard no_grad;
    const auto input = io::rgb_from_bgr_u8(bgr).unsqueeze(0).to(device_);
    auto out = module_.forward({input});
    if (out.isTuple()) out = out.toTuple()->elements()[0];
    if (out.isGenericDict()) out = out.toGenericDict().begin()->value();
    auto logits = out.toTensor();
    if (logits.dim() != 4 || logits.size(0) != 1) throw Error("segmenter output is not [1, C, H, W]");
    if (logits.size(2) != bgr.rows || logits.size(3) != bgr.cols)
      logits = torch::upsample_bilinear2d(logits.to(torch::kFloat32), {bgr.rows, bgr.cols}, false);
    const auto labels = logits.argmax(1)[0].to(torch::kCPU, torch::kUInt8).contiguous();
    return cv::Mat(bgr.rows, bgr.cols, CV_8UC1, labels.data_ptr()).clone();
  }

 private:
  torch::Device device_;
  torch::jit::script::Module module_;
};

struct RowSource {
  std::string name;
  std::map<std::string, std::string> files;  // stem -> image or label map
};

std::vector<RowSource> row_sources(const std::string& data_dir, const std::vector<metrics::FusedFolder>& folders,
                                   const SegmentationOptions& o, std::vector<std::string>& problems) {
  std::vector<RowSource> rows;
  if (o.sources) {
    if (o.segmenter.empty()) throw Error("--sources needs --segmenter: the sources are images, not label maps");
    const auto pairs = data::find_pairs(data_dir, o.split);
    problems.insert(problems.end(), pairs.problems.begin(), pairs.problems.end());
    RowSource ir{"infrared", {}}, vi{"visible", {}};
    for (const auto& p : pairs.pairs) ir.files[p.stem] = p.ir, vi.files[p.stem] = p.vi;
    rows.push_back(ir);
    rows.push_back(vi);
  }
  for (const auto& f : folders) rows.push_back({f.name, data::images_by_stem(f.dir, problems)});
  return rows;
}

using io::table_number;

}  // namespace

bool SegmentationReport::complete() const {
  if (!problems.empty()) return false;
  for (const auto& row : rows)
    if (!row.failures.empty()) return false;
  return true;
}

SegmentationReport evaluate_segmentation(const std::string& data_dir, const std::vector<metrics::FusedFolder>& folders,
                                         const SegmentationOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  SegmentationReport report;
  if (!o.class_names_file.empty()) report.class_names = read_names(o.class_names_file);
  const int nc = o.num_classes > 0 ? o.num_classes : static_cast<int>(report.class_names.size());
  if (nc <= 0) throw Error("--task segment needs --num-classes N or --class-names FILE");
  if (nc > 255) throw Error("--num-classes: at most 255 classes (8-bit label maps)");
  while (static_cast<int>(report.class_names.size()) < nc) report.class_names.push_back(std::to_string(report.class_names.size()));
  report.class_names.resize(nc);
  const auto labels = data::images_by_stem(o.labels_dir, report.problems);
  for (const auto& [stem, path] : labels) report.stems.push_back(stem);
  const auto sources = row_sources(data_dir, folders, o, report.problems);
  if (sources.empty()) throw Error("nothing to score: give --fused NAME=DIR (or --sources with --segmenter)");
  std::unique_ptr<Segmenter> segmenter;
  if (!o.segmenter.empty()) segmenter = std::make_unique<Segmenter>(o.segmenter, o.device);

  Progress progress("segmented images", static_cast<int64_t>(sources.size() * labels.size()));
  for (const auto& source : sources) {
    SegmentationRow row{source.name, 0, ConfusionMatrix(nc), {}};
    for (const auto& [stem, label_path] : labels) {
      progress.advance();
      const auto it = source.files.find(stem);
      if (it == source.files.end()) {
        row.failures.push_back("no image for label map '" + stem + "'");
        continue;
      }
      try {
        const auto label = read_label_map(label_path);
        const auto predicted = segmenter ? segmenter->segment(io::decode_image_file(it->second, cv::IMREAD_COLOR))
                                         : read_label_map(it->second);
        if (predicted.size() != label.size())
          throw DataError(it->second + ": " + std::to_string(predicted.cols) + "x" + std::to_string(predicted.rows) +
                          " != label map " + std::to_string(label.cols) + "x" + std::to_string(label.rows));
        ConfusionMatrix image(nc);
        try {
          image.add(label.ptr<uint8_t>(), predicted.ptr<uint8_t>(), label.total(), o.ignore_index);
        } catch (const Error& e) {
          throw DataError(it->second + " vs " + label_path + ": " + e.what());
        }
        row.confusion.add(image);
        ++row.images;
      } catch (const std::exception& e) {
        row.failures.push_back(one_line(e));
      }
    }
    report.rows.push_back(std::move(row));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string segmentation_markdown(const SegmentationReport& r) {
  std::ostringstream s;
  s << "| method | images | pixel acc. |";
  for (const auto& name : r.class_names) s << ' ' << name << " |";
  s << " mIoU |\n|---|---|---|";
  for (size_t c = 0; c < r.class_names.size(); ++c) s << "---|";
  s << "---|\n";
  for (const auto& row : r.rows) {
    s << "| " << row.name << " | " << row.images << "/" << r.stems.size() << " | "
      << table_number(row.confusion.pixel_accuracy()) << " |";
    for (const double v : row.confusion.iou()) s << ' ' << table_number(v) << " |";
    s << ' ' << table_number(row.confusion.mean_iou()) << " |\n";
  }
  return s.str();
}

void write_segmentation_reports(const SegmentationReport& r, const std::string& out_dir) {
  fs::create_directories(out_dir);
  io::remove_stale_temp_files(out_dir);
  const auto json_value = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  nlohmann::json rows = nlohmann::json::array();
  std::string csv = "method,images,pixel_accuracy";
  for (const auto& name : r.class_names) csv += ",IoU_" + name;
  csv += ",mIoU\n";
  for (const auto& row : r.rows) {
    const auto& cm = row.confusion;
    nlohmann::json iou = nlohmann::json::array(), confusion = nlohmann::json::array();
    csv += fmt::format("{},{},{}", row.name, row.images, json_value(cm.pixel_accuracy()).dump());
    for (const double v : cm.iou()) {
      iou.push_back(json_value(v));
      csv += "," + (std::isnan(v) ? std::string() : fmt::format("{:.10g}", v));
    }
    csv += "," + (std::isnan(cm.mean_iou()) ? std::string() : fmt::format("{:.10g}", cm.mean_iou())) + "\n";
    for (int l = 0; l < cm.num_classes(); ++l) {
      std::vector<int64_t> line;
      for (int p = 0; p < cm.num_classes(); ++p) line.push_back(cm.count(l, p));
      confusion.push_back(line);
    }
    rows.push_back({{"name", row.name}, {"images", row.images}, {"pixel_accuracy", json_value(cm.pixel_accuracy())},
                    {"iou", iou}, {"miou", json_value(cm.mean_iou())}, {"confusion", confusion},
                    {"failures", row.failures}});
  }
  const nlohmann::json summary{{"classes", r.class_names}, {"images", r.stems.size()}, {"rows", rows},
                               {"problems", r.problems}, {"seconds", r.seconds},
                               {"confusion_layout", "rows: label class, columns: predicted class"}};
  const auto path = [&](const std::string& name) { return (fs::path(out_dir) / name).string(); };
  io::write_file_atomically(path("summary.json"), summary.dump(2) + "\n");
  io::write_file_atomically(path("summary.csv"), csv);
  io::write_file_atomically(path("summary.md"), segmentation_markdown(r));
}

}  // namespace tesg::segment

// tesg-detect: the downstream half of the evaluation. Detection: any TorchScript YOLO on the
// sources and fused folders of a split, scored against YOLO labels as ultralytics' validator
// scores them, with bootstrap intervals. Segmentation: per-class IoU and mIoU of label maps.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "tesg/detect/class_map.h"
#include "tesg/detect/detection_evaluation.h"
#include "tesg/detect/detection_pictures.h"
#include "tesg/detect/detector.h"
#include "tesg/cluster/batch_ranks.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/launcher.h"
#include "tesg/cluster/rank_environment.h"
#include "tesg/error.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/segment/segmentation_evaluation.h"

namespace {

constexpr int64_t kCudaBatch = 16;

struct Args {
  std::string task = "detect", data_dir, out_dir, classes, label_names, log_level = "info";
  std::vector<std::string> fused;
  int threads = 0;
};

int run_detect(const Args& a, const std::string& detector_path, tesg::detect::DetectorOptions detector_options,
               int64_t fallback_input, tesg::detect::DetectionEvaluationOptions options,
               const tesg::detect::DetectionPictureOptions& pictures, bool draw,
               tesg::cluster::BatchRanks& ranks) {
  namespace detect = tesg::detect;
  detect::Detector detector(detector_path, detector_options, fallback_input);
  const auto& info = detector.info();
  spdlog::info("{}: {}", detector_path, detector.summary());
  const auto classes = !a.classes.empty()       ? detect::parse_class_map(a.classes, info.names)
                       : !a.label_names.empty() ? detect::class_map_from_file(a.label_names, info.names)
                                                : detect::identity_class_map(info.names);
  auto report = detect::evaluate_detection(detector, classes, a.data_dir, tesg::metrics::parse_fused_folders(a.fused), options, &ranks);
  if (!ranks.lead()) return 0;  // rank 0 reports for every rank
  report.detector = detector_path;
  for (const auto& line : report.warnings) spdlog::warn("{}", line);
  for (const auto& problem : report.problems) spdlog::warn("{}", problem);
  for (const auto& row : report.rows) {
    for (const auto& failure : row.failures) spdlog::warn("{}: {}", row.name, failure);
    spdlog::info("{}: {} of {} images scored", row.name, row.stems.size(), report.stems.size());
  }
  std::cout << '\n' << detect::detection_markdown(report) << std::endl;
  spdlog::info("{} images x {} rows in {:.1f} s; detector {:.1f} ms per image", report.stems.size(),
               report.rows.size(), report.seconds, report.detect_ms_per_image);
  if (!a.out_dir.empty()) {
    detect::write_detection_reports(report, a.out_dir);
    if (draw) detect::write_detection_pictures(report, a.out_dir, pictures);
    spdlog::info("reports{} written to {}", draw ? " and pictures" : "", a.out_dir);
  }
  return report.complete() ? 0 : 1;
}

int run_segment(const Args& a, tesg::segment::SegmentationOptions options) {
  namespace segment = tesg::segment;
  const auto report = segment::evaluate_segmentation(a.data_dir, tesg::metrics::parse_fused_folders(a.fused), options);
  for (const auto& problem : report.problems) spdlog::warn("{}", problem);
  for (const auto& row : report.rows) {
    for (const auto& failure : row.failures) spdlog::warn("{}: {}", row.name, failure);
  }
  std::cout << '\n' << segment::segmentation_markdown(report) << std::endl;
  if (!a.out_dir.empty()) {
    segment::write_segmentation_reports(report, a.out_dir);
    spdlog::info("reports written to {}", a.out_dir);
  }
  return report.complete() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tesg-detect: detection mAP (any TorchScript YOLO) or segmentation mIoU of fused images"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  Args a;
  std::string detector_path;
  int64_t fallback_input = 640;
  bool no_pictures = false;
  tesg::detect::DetectorOptions det;
  tesg::detect::DetectionEvaluationOptions opt;
  tesg::detect::DetectionPictureOptions pictures;
  tesg::segment::SegmentationOptions seg;
  app.add_option("--task", a.task, "detect | segment")->check(CLI::IsMember({"detect", "segment"}));
  app.add_option("--data", a.data_dir, "dataset split with infrared and visible folders");
  app.add_option("--split", opt.split, "split sub-folder of nested layouts (LLVIP)");
  app.add_option("--fused", a.fused, "images of a method: DIR or NAME=DIR (repeatable)");
  app.add_flag("--sources", opt.sources, "add the infrared and visible images as rows");
  app.add_option("--labels", opt.labels_dir, "labels: YOLO <stem>.txt (detect) or label-map PNGs (segment)")
      ->required();
  app.add_option("--out", a.out_dir, "write summary.{md,csv,json}, per-image results and pictures here");
  app.add_option("--threads", a.threads, "CPU threads, 0 = all cores");
  app.add_option("--device", det.device, "cpu | cuda | cuda:N");
  app.add_option("--log-level", a.log_level, "debug | info | warn | error");
  auto* d = app.add_option_group("detection");
  d->add_option("--detector", detector_path, "TorchScript YOLO (ultralytics export, v5 or v8 layout)");
  d->add_option("--classes", a.classes, "detector class = label id, e.g. person=0,bicycle=1,car=2");
  d->add_option("--label-names", a.label_names, "label classes file of '<id> <name>' lines, matched by name");
  d->add_option("--reference", opt.reference, "row that differences are taken against, e.g. max");
  d->add_option("--bootstrap", opt.bootstrap.resamples, "bootstrap resamples over images (0: no intervals)");
  d->add_option("--seed", opt.bootstrap.seed, "bootstrap seed");
  d->add_option("--conf", det.conf, "confidence threshold (ultralytics val: 0.001)");
  d->add_option("--iou", det.iou, "NMS IoU (default: 0.6 for YOLOv5 outputs, 0.7 for YOLOv8)");
  d->add_option("--max-det", det.max_det, "detections per image");
  d->add_flag("--half", det.half, "fp16 forward pass (CUDA)");
  auto* batch = d->add_option("--batch", opt.batch,
                              "images per forward pass where the model takes batches (default: 1 on CPU, "
                              "where larger batches are slower per image, 16 on CUDA)");
  d->add_option("--io-threads", opt.io_threads, "image decoding threads");
  d->add_option("--imgsz", fallback_input, "input size of a model without config.txt");
  d->add_option("--draw-conf", pictures.min_score, "detections drawn in the pictures");
  d->add_flag("--no-pictures", no_pictures, "no per-pair grids and contact sheet");
  auto* s = app.add_option_group("segmentation");
  s->add_option("--segmenter", seg.segmenter, "TorchScript segmenter run on the images (argmax of its output)");
  s->add_option("--num-classes", seg.num_classes, "classes of the label maps (default: from --class-names)");
  s->add_option("--class-names", seg.class_names_file, "class names, one per line in id order");
  s->add_option("--ignore-index", seg.ignore_index, "label value left out of the scores");
  int nproc = 1;
  app.add_option("--nproc", nproc, "local ranks to start, each detecting a share of the pairs (one GPU each)")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(a.log_level);
  try {
    if (const auto status = tesg::cluster::run_local_ranks_if_asked(argc, argv, nproc)) return *status;
    auto ranks = tesg::cluster::BatchRanks::from_environment();
    det.device = ranks.device(det.device);
    tesg::configure_threads(a.threads, tesg::cluster::rank_environment().local_world_size);
    if (a.task == "segment") {
      if (!ranks.lead()) return 0;  // segmentation is not sharded: rank 0 scores every pair
      seg.labels_dir = opt.labels_dir, seg.sources = opt.sources, seg.split = opt.split, seg.device = det.device;
      return run_segment(a, seg);
    }
    if (batch->count() == 0) opt.batch = det.device.rfind("cuda", 0) == 0 ? kCudaBatch : 1;
    if (detector_path.empty()) throw tesg::Error("--task detect needs --detector FILE");
    if (a.data_dir.empty()) throw tesg::Error("--task detect needs --data DIR");
    if (a.fused.empty() && !opt.sources) throw tesg::Error("nothing to score: give --fused NAME=DIR or --sources");
    return run_detect(a, detector_path, det, fallback_input, opt, pictures, !no_pictures, ranks);
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

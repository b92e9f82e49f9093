#pragma once
// Scoring folders of images with a detector against YOLO labels: the library behind
// tesg-detect's detection task. One label folder scores every row (sources and fused methods),
// so the rows are comparable. Needs OpenCV.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tesg/detect/class_map.h"
#include "tesg/detect/detection_metrics.h"
#include "tesg/metrics/evaluation.h"

namespace tesg::cluster {
class BatchRanks;
}

namespace tesg::detect {

class Detector;

struct DetectionEvaluationOptions {
  std::string labels_dir;    ///< `<stem>.txt` per pair (YOLO format)
  bool sources = false;      ///< add the infrared and visible images as rows
  std::string split;         ///< split sub-folder of nested dataset layouts
  std::string reference;     ///< row that differences are taken against ("" = none)
  BootstrapOptions bootstrap;
  int64_t batch = 1;         ///< images per forward pass (where the model takes batches)
  int io_threads = 2;        ///< image decoding threads
};

/// One row of the table: a method's (or a source's) images, detections and scores.
struct RowDetections {
  std::string name;
  std::vector<std::string> stems, paths;  ///< scored images, sorted by stem
  std::vector<std::array<int64_t, 2>> sizes;  ///< width, height of each scored image
  std::vector<Detections> detections;     ///< per scored image, label class ids
  std::vector<Objects> labels;            ///< per scored image, in its pixels
  std::vector<ImageMatches> matches;
  std::vector<std::string> failures;      ///< one line per pair that could not be scored
  DetectionScores scores;
  RowIntervals intervals;
};

struct DetectionReport {
  ClassMap classes;
  std::vector<std::string> stems;          ///< every pair of the split
  std::vector<RowDetections> rows;
  std::vector<std::string> problems;       ///< unpaired files, malformed label files
  std::vector<std::string> warnings;       ///< pairs without a label file (scored as empty)
  std::string reference;
  BootstrapOptions bootstrap;
  std::string detector;                    ///< detector file
  int64_t input_w = 0, input_h = 0;
  double nms_iou = 0;
  double seconds = 0, detect_ms_per_image = 0;
  bool complete() const;  ///< every pair scored in every row and no problem (warnings allowed)
};

/// Runs `detector` on every row's image of every pair of `data_dir`, matches the detections to
/// the labels and scores each row, with bootstrap intervals. Bad items (missing image,
/// unreadable file, malformed label file) are recorded, not thrown. Throws DataError when
/// `data_dir` has no pairs layout or a folder is missing, Error for an unknown reference row.
/// With `ranks` of several processes each detects its shard of the sorted pairs; rank 0 matches,
/// scores and returns the report of all (the others their own, unscored).
DetectionReport evaluate_detection(Detector& detector, const ClassMap& classes,
                                   const std::string& data_dir,
                                   const std::vector<metrics::FusedFolder>& fused,
                                   const DetectionEvaluationOptions& options,
                                   cluster::BatchRanks* ranks = nullptr);

/// The rows table (P, R, mAP@0.5, @0.75, @0.5:0.95 with intervals and differences to the
/// reference) and the per-class table, in Markdown.
std::string detection_markdown(const DetectionReport& report);

/// summary.{md,csv,json}, and per row `<row>/labels/<stem>.txt` (YOLO lines with confidence)
/// and `<row>/detections.csv` (pixel boxes), each file written atomically.
void write_detection_reports(const DetectionReport& report, const std::string& out_dir);

}  // namespace tesg::detect

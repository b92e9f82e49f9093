#pragma once
// Scoring segmentation label maps per row (sources, fused methods) against label PNGs of class
// ids (MSRS's Segmentation_labels format: 0 unlabelled ... 8 bump): the library behind
// `tesg-detect --task segment`. Needs OpenCV.
#include <cstdint>
#include <string>
#include <vector>

#include "tesg/metrics/evaluation.h"
#include "tesg/segment/confusion_matrix.h"

namespace tesg::segment {

struct SegmentationOptions {
  std::string labels_dir;        ///< `<stem>.png` of class ids per image
  std::string segmenter;         ///< TorchScript segmenter; "" = the folders hold predicted label maps
  std::string device = "cpu";
  int num_classes = 0;           ///< 0 = the number of names in class_names_file
  std::string class_names_file;  ///< one name per line, in class id order
  int ignore_index = 255;
  bool sources = false;          ///< with a segmenter and data: the infrared and visible images as rows
  std::string split;
};

struct SegmentationRow {
  std::string name;
  int64_t images = 0;
  ConfusionMatrix confusion;
  std::vector<std::string> failures;
};

struct SegmentationReport {
  std::vector<std::string> class_names;
  std::vector<std::string> stems;  ///< the label maps
  std::vector<SegmentationRow> rows;
  std::vector<std::string> problems;
  double seconds = 0;
  bool complete() const;
};

/// Without a segmenter each folder holds `<stem>.png` predicted label maps; with one, each folder
/// (and with `sources` the infrared and visible images of `data_dir`) holds images that it
/// segments: input [1, 3, H, W] RGB in [0, 1] at the image's size, output [1, C, h, w] logits
/// (or a tuple / dict whose first value is), resized bilinearly to H x W, argmax over C.
SegmentationReport evaluate_segmentation(const std::string& data_dir,
                                         const std::vector<metrics::FusedFolder>& folders,
                                         const SegmentationOptions& options);

/// Rows x (pixel accuracy, per-class IoU, mIoU).
std::string segmentation_markdown(const SegmentationReport& report);

/// summary.{md,csv,json} (the JSON with each row's confusion matrix), atomically.
void write_segmentation_reports(const SegmentationReport& report, const std::string& out_dir);

}  // namespace tesg::segment

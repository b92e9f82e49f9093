#pragma once
// Pictures of what the detector found, because people look at detections: per pair one image
// with a panel per row (labels in green, detections above a score in their class colour, named
// and scored), and a contact sheet of every pair. Needs OpenCV.
#include <cstdint>
#include <string>

#include "tesg/detect/detection_evaluation.h"

namespace tesg::detect {

struct DetectionPictureOptions {
  double min_score = 0.25;      ///< detections drawn (ultralytics' predict default)
  int panel_height = 360;       ///< per-pair grids
  int columns = 4;              ///< panels per line of a grid
  int sheet_row_height = 120;   ///< contact sheet
  int64_t sheet_max_rows = 40;  ///< pairs on the contact sheet
};

/// Writes `out_dir/grid/<stem>.png` per pair and `out_dir/contact_sheet.png`, atomically.
void write_detection_pictures(const DetectionReport& report, const std::string& out_dir,
                              const DetectionPictureOptions& options = {});

}  // namespace tesg::detect

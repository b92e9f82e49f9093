#pragma once
// YOLO-format label files: one object per line, `<class> <cx> <cy> <w> <h>` normalised to the
// image, as ultralytics reads them (float32 values, exact duplicate lines dropped).
#include <cstdint>
#include <string>

#include "tesg/detect/box.h"

namespace tesg::detect {

/// The objects of `path` in pixels of a `image_w` x `image_h` image. Throws DataError
/// "<path>:<line>: ..." for a line that is not five numbers, a negative or fractional class, or
/// coordinates outside [0, 1] (ultralytics rejects those images too).
Objects read_yolo_labels(const std::string& path, int64_t image_w, int64_t image_h);

/// One YOLO line per detection (`<class> <cx> <cy> <w> <h> <conf>`, normalised), the format of
/// ultralytics' `save_txt` with `save_conf`, with enough digits to restore the float32 values.
std::string yolo_lines(const Detections& detections, int64_t image_w, int64_t image_h);

}  // namespace tesg::detect

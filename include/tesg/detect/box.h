#pragma once
// Axis-aligned boxes, detections and ground-truth objects in image pixels (x1, y1, x2, y2).
#include <vector>

namespace tesg::detect {

struct Box {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

/// One detected object: its box in the pixels of the scored image, confidence and class id.
struct Detection {
  Box box;
  float score = 0;
  int cls = 0;
};

/// One labelled object.
struct Object {
  Box box;
  int cls = 0;
};

using Detections = std::vector<Detection>;
using Objects = std::vector<Object>;

/// Intersection over union in float32 with ultralytics' `box_iou` epsilon (1e-7), so that IoU
/// thresholds decide exactly as in its validator.
float box_iou(const Box& a, const Box& b);

}  // namespace tesg::detect

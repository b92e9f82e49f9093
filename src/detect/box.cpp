#include "tesg/detect/box.h"

#include <algorithm>

namespace tesg::detect {

float box_iou(const Box& a, const Box& b) {
  constexpr float kEps = 1e-7f;  // ultralytics.utils.metrics.box_iou
  const float w = std::max(std::min(a.x2, b.x2) - std::max(a.x1, b.x1), 0.0f);
  const float h = std::max(std::min(a.y2, b.y2) - std::max(a.y1, b.y1), 0.0f);
  const float inter = w * h;
  const float area_a = (a.x2 - a.x1) * (a.y2 - a.y1);
  const float area_b = (b.x2 - b.x1) * (b.y2 - b.y1);
  return inter / (area_a + area_b - inter + kEps);
}

}  // namespace tesg::detect

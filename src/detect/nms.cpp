#include "tesg/detect/nms.h"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "tesg/error.h"

namespace tesg::detect {
namespace {

// Offset per class id in pixels: boxes of different classes never overlap (ultralytics max_wh).
constexpr float kClassOffset = 7680.0f;

struct Candidate {
  Box box;  // x1 y1 x2 y2 in input pixels
  float score;
  int cls;
};

// The (box, class) pairs scoring above the threshold, in the order of ultralytics' torch.where.
std::vector<Candidate> gather(const at::Tensor& x, const NmsOptions& o) {
  const int64_t n = x.size(0), nc = x.size(1) - 4;
  const float* data = x.data_ptr<float>();
  const bool multi_label = o.multi_label && nc > 1;
  const auto wanted = [&](int64_t c) {
    return o.classes.empty() || std::find(o.classes.begin(), o.classes.end(), c) != o.classes.end();
  };
  std::vector<Candidate> out;
  for (int64_t i = 0; i < n; ++i) {
    const float* row = data + i * (4 + nc);
    const float* scores = row + 4;
    if (*std::max_element(scores, scores + nc) <= o.conf) continue;
    const float half_w = row[2] / 2, half_h = row[3] / 2;  // xywh2xyxy
    const Box box{row[0] - half_w, row[1] - half_h, row[0] + half_w, row[1] + half_h};
    if (multi_label) {
      for (int64_t c = 0; c < nc; ++c)
        if (scores[c] > o.conf && wanted(c)) out.push_back({box, scores[c], static_cast<int>(c)});
    } else {
      const auto best = std::max_element(scores, scores + nc) - scores;
      if (scores[best] > o.conf && wanted(best)) out.push_back({box, scores[best], static_cast<int>(best)});
    }
  }
  return out;
}

// Indices of `c` by descending score (stable, so equal scores keep their candidate order).
std::vector<size_t> by_score(const std::vector<Candidate>& c) {
  std::vector<size_t> order(c.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return c[a].score > c[b].score; });
  return order;
}

// torchvision.ops.nms on the class-offset boxes, float32 as its CPU kernel.
std::vector<size_t> greedy_nms(const std::vector<Candidate>& c, const std::vector<size_t>& order,
                               double iou, int64_t max_det) {
  const size_t n = order.size();
  std::vector<Box> boxes(n);
  std::vector<float> areas(n);
  for (size_t k = 0; k < n; ++k) {
    const auto& cand = c[order[k]];
    const float offset = static_cast<float>(cand.cls) * kClassOffset;
    boxes[k] = {cand.box.x1 + offset, cand.box.y1 + offset, cand.box.x2 + offset, cand.box.y2 + offset};
    areas[k] = (boxes[k].x2 - boxes[k].x1) * (boxes[k].y2 - boxes[k].y1);
  }
  std::vector<char> suppressed(n, 0);
  std::vector<size_t> keep;
  for (size_t a = 0; a < n && static_cast<int64_t>(keep.size()) < max_det; ++a) {
    if (suppressed[a]) continue;
    keep.push_back(order[a]);
    const auto& ba = boxes[a];
    for (size_t b = a + 1; b < n; ++b) {
      if (suppressed[b]) continue;
      const auto& bb = boxes[b];
      const float w = std::max(0.0f, std::min(ba.x2, bb.x2) - std::max(ba.x1, bb.x1));
      const float h = std::max(0.0f, std::min(ba.y2, bb.y2) - std::max(ba.y1, bb.y1));
      const float inter = w * h;
      if (inter / (areas[a] + areas[b] - inter) > iou) suppressed[b] = 1;
    }
  }
  return keep;
}

}  // namespace

Detections non_max_suppression(const at::Tensor& candidates, const NmsOptions& options) {
  if (candidates.dim() != 2 || candidates.size(1) < 5)
    throw Error("non_max_suppression: candidates must be [N, 4 + classes]");
  const auto x = candidates.to(torch::kCPU, torch::kFloat32).contiguous();
  auto cands = gather(x, options);
  auto order = by_score(cands);
  if (static_cast<int64_t>(order.size()) > options.max_nms) order.resize(options.max_nms);
  Detections out;
  for (const auto k : greedy_nms(cands, order, options.iou, options.max_det))
    out.push_back({cands[k].box, cands[k].score, cands[k].cls});
  return out;
}

}  // namespace tesg::detect

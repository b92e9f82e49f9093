// Class-aware NMS with ultralytics' validation settings.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/detect/nms.h"

namespace tesg::detect {
namespace {

// Rows of cx, cy, w, h, then one score per class.
at::Tensor candidates(const std::vector<std::vector<float>>& rows) {
  std::vector<at::Tensor> t;
  for (const auto& r : rows) t.push_back(torch::tensor(r));
  return torch::stack(t);
}

TEST(NmsTest, SuppressesOverlapsOfOneClassAboveTheIou) {
  // Two 100x100 boxes shifted by 10 px (IoU 0.82) and one far away.
  const auto c = candidates({{50, 50, 100, 100, 0.9f}, {60, 50, 100, 100, 0.8f}, {300, 300, 50, 50, 0.7f}});
  NmsOptions o;
  o.iou = 0.7;
  auto d = non_max_suppression(c, o);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_FLOAT_EQ(d[0].score, 0.9f);
  EXPECT_FLOAT_EQ(d[0].box.x1, 0.0f);
  EXPECT_FLOAT_EQ(d[0].box.x2, 100.0f);
  EXPECT_FLOAT_EQ(d[1].score, 0.7f);
  o.iou = 0.85;  // above their IoU: both kept
  EXPECT_EQ(non_max_suppression(c, o).size(), 3u);
}

TEST(NmsTest, ClassesNeverSuppressEachOtherAndMultiLabelKeepsEveryClass) {
  const auto c = candidates({{50, 50, 100, 100, 0.9f, 0.6f}, {52, 50, 100, 100, 0.2f, 0.8f}});
  NmsOptions o;
  auto d = non_max_suppression(c, o);  // (0: .9), (1: .8), (1: .6 suppressed by .8), (0: .2 suppressed)
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].cls, 0);
  EXPECT_EQ(d[1].cls, 1);
  o.iou = 0.99;  // nothing overlaps that much: every (box, class) above conf stays
  EXPECT_EQ(non_max_suppression(c, o).size(), 4u);
  o.multi_label = false;  // best class per box only
  EXPECT_EQ(non_max_suppression(c, o).size(), 2u);
}

TEST(NmsTest, ConfidenceThresholdClassFilterAndMaxDet) {
  std::vector<std::vector<float>> rows;
  for (int i = 0; i < 50; ++i) rows.push_back({20.0f * i, 10, 10, 10, 0.01f * (i + 1), 0.5f});
  const auto c = candidates(rows);
  NmsOptions o;
  o.conf = 0.255;
  o.classes = {0};
  auto d = non_max_suppression(c, o);
  EXPECT_EQ(d.size(), 25u);  // scores 0.26 .. 0.50 of class 0
  for (size_t k = 1; k < d.size(); ++k) EXPECT_GE(d[k - 1].score, d[k].score);
  o.max_det = 7;
  EXPECT_EQ(non_max_suppression(c, o).size(), 7u);
  o.classes = {1};
  o.max_det = 300;
  EXPECT_EQ(non_max_suppression(c, o).size(), 50u);
}

TEST(NmsTest, RejectsMalformedCandidates) {
  EXPECT_THROW(non_max_suppression(torch::zeros({3, 4}), NmsOptions{}), std::exception);
}

}  // namespace
}  // namespace tesg::detect

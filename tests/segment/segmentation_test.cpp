// Segmentation scores against the NumPy reference of tests/fixtures/segment/expected.json
// (scripts/dev/make_segmentation_fixture.py), from label-map folders and from a TorchScript
// segmenter.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"
#include "tesg/error.h"
#include "tesg/segment/segmentation_evaluation.h"

namespace tesg::segment {
namespace {

const std::string kDir = std::string(TESG_SOURCE_DIR) + "/tests/fixtures/segment/";

nlohmann::json expected() {
  std::ifstream in(kDir + "expected.json");
  return nlohmann::json::parse(in);
}

void expect_scores(const SegmentationRow& row, const nlohmann::json& e) {
  const auto& cm = row.confusion;
  for (int l = 0; l < cm.num_classes(); ++l)
    for (int p = 0; p < cm.num_classes(); ++p) EXPECT_EQ(cm.count(l, p), e["confusion"][l][p].get<int64_t>());
  const auto iou = cm.iou();
  for (size_t c = 0; c < iou.size(); ++c) {
    if (e["iou"][c].is_null()) EXPECT_TRUE(std::isnan(iou[c])) << c;
    else EXPECT_NEAR(iou[c], e["iou"][c].get<double>(), 1e-12) << c;
  }
  EXPECT_NEAR(cm.mean_iou(), e["miou"].get<double>(), 1e-12);
  EXPECT_NEAR(cm.pixel_accuracy(), e["pixel_accuracy"].get<double>(), 1e-12);
}

SegmentationOptions options() {
  SegmentationOptions o;
  o.labels_dir = kDir + "labels";
  o.num_classes = 5;
  o.ignore_index = 255;
  return o;
}

TEST(ConfusionMatrixTest, KnownCounts) {
  ConfusionMatrix cm(3);
  const std::vector<uint8_t> label{0, 0, 1, 1, 255, 2}, pred{0, 1, 1, 1, 2, 0};
  cm.add(label.data(), pred.data(), 6, 255);
  EXPECT_EQ(cm.count(0, 1), 1);
  EXPECT_EQ(cm.count(2, 0), 1);
  const auto iou = cm.iou();
  EXPECT_DOUBLE_EQ(iou[0], 1.0 / 3);  // tp 1, fn 1, fp 1
  EXPECT_DOUBLE_EQ(iou[1], 2.0 / 3);
  EXPECT_DOUBLE_EQ(iou[2], 0.0);
  EXPECT_DOUBLE_EQ(cm.pixel_accuracy(), 3.0 / 5);
  ConfusionMatrix absent(3);  // class 2 neither labelled nor predicted: NaN, left out of the mean
  absent.add(label.data(), pred.data(), 4, 255);
  EXPECT_TRUE(std::isnan(absent.iou()[2]));
  EXPECT_DOUBLE_EQ(absent.mean_iou(), (1.0 / 2 + 2.0 / 3) / 2);
  const std::vector<uint8_t> bad{7};
  EXPECT_THROW_WITH(cm.add(bad.data(), pred.data(), 1, 255), Error, "label value 7 outside 0..2");
}

TEST(SegmentationTest, LabelMapFoldersMatchNumpyReference) {
  const auto report = evaluate_segmentation("", {{"pred", kDir + "pred"}}, options());
  ASSERT_EQ(report.rows.size(), 1u);
  EXPECT_EQ(report.rows[0].images, 3);
  EXPECT_TRUE(report.complete());
  expect_scores(report.rows[0], expected()["pred"]);
  EXPECT_EQ(report.rows[0].confusion.iou()[4], 0.0);  // in no label map, but predicted: IoU 0
}

TEST(SegmentationTest, TorchScriptSegmenterMatchesNumpyReference) {
  auto o = options();
  o.segmenter = kDir + "segmenter.torchscript";
  const auto report = evaluate_segmentation("", {{"segmenter", kDir + "images"}}, o);
  ASSERT_EQ(report.rows.size(), 1u);
  expect_scores(report.rows[0], expected()["segmenter"]);
}

TEST(SegmentationTest, ReportsWrittenWithConfusionMatrixAndBadItemsNamed) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "pred");
  for (const auto* stem : {"s0", "s1"})
    std::filesystem::copy_file(kDir + "pred/" + stem + ".png", dir / ("pred/" + std::string(stem) + ".png"));
  const auto report = evaluate_segmentation("", {{"partial", dir / "pred"}}, options());
  EXPECT_FALSE(report.complete());
  ASSERT_EQ(report.rows[0].failures.size(), 1u);
  EXPECT_NE(report.rows[0].failures[0].find("s2"), std::string::npos);
  write_segmentation_reports(report, dir / "out");
  const auto json = nlohmann::json::parse(test::file_content(dir / "out/summary.json"));
  EXPECT_EQ(json["rows"][0]["confusion"].size(), 5u);
  EXPECT_NE(test::file_content(dir / "out/summary.md").find("| partial | 2/3 |"), std::string::npos);
}

}  // namespace
}  // namespace tesg::segment

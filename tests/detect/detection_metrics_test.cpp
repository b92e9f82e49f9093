// Detection scoring: hand-made cases with known answers, and agreement with ultralytics'
// match_predictions + ap_per_class on a random case (tests/fixtures/detect/ap_cases.json).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tesg/detect/detection_metrics.h"

namespace tesg::detect {
namespace {

// ultralytics' ceiling: the trapezoid over 101 recall points ends at precision 0 at recall 1, so a
// perfect detector scores 0.995, not 1 (the familiar "mAP50 0.995" of a perfectly fit model).
constexpr double kPerfectAp = 0.995;

Object object(int cls, float x1, float y1, float x2, float y2) { return {{x1, y1, x2, y2}, cls}; }
Detection detection(int cls, float score, float x1, float y1, float x2, float y2) {
  return {{x1, y1, x2, y2}, score, cls};
}

TEST(DetectionMetricsTest, IouThresholdsAreTorchLinspace) {
  const auto& t = iou_thresholds();
  EXPECT_FLOAT_EQ(t[0], 0.5f);
  EXPECT_FLOAT_EQ(t[5], 0.75f);
  EXPECT_FLOAT_EQ(t[9], 0.95f);
}

TEST(DetectionMetricsTest, PerfectDetectorScoresTheCeiling) {
  std::vector<ImageMatches> images;
  images.push_back(match_image({detection(0, 0.9f, 10, 10, 50, 80), detection(1, 0.8f, 100, 20, 140, 60)},
                               {object(0, 10, 10, 50, 80), object(1, 100, 20, 140, 60)}));
  images.push_back(match_image({detection(0, 0.7f, 5, 5, 25, 45)}, {object(0, 5, 5, 25, 45)}));
  const auto s = score_detections(images);
  ASSERT_EQ(s.classes.size(), 2u);
  EXPECT_NEAR(s.map50, kPerfectAp, 1e-12);
  EXPECT_NEAR(s.map50_95, kPerfectAp, 1e-12);
  EXPECT_NEAR(s.precision, 1.0, 1e-12);
  EXPECT_NEAR(s.recall, 1.0, 1e-12);
  EXPECT_EQ(s.labels, 3);
  EXPECT_EQ(s.predictions, 3);
}

TEST(DetectionMetricsTest, ShiftedBoxPassesIou50ButFailsIou75) {
  // A 100x100 box shifted by 25 px: IoU = 75x100 / (2x10000 - 7500) = 0.6.
  const auto m = match_image({detection(0, 0.9f, 25, 0, 125, 100)}, {object(0, 0, 0, 100, 100)});
  ASSERT_EQ(m.correct.size(), 1u);
  for (int t = 0; t < kIouThresholds; ++t) EXPECT_EQ(m.correct[0][t], iou_thresholds()[t] <= 0.6f) << t;
  const auto s = score_detections(std::vector<ImageMatches>{m});
  EXPECT_NEAR(s.map50, kPerfectAp, 1e-12);
  EXPECT_NEAR(s.map75, 0.0, 1e-12);
  EXPECT_NEAR(s.map50_95, 0.3 * kPerfectAp, 1e-12);  // 0.50, 0.55, 0.60 of ten thresholds
}

TEST(DetectionMetricsTest, DuplicatesAreFalsePositives) {
  const auto m = match_image({detection(0, 0.9f, 0, 0, 100, 100), detection(0, 0.8f, 1, 1, 101, 101)},
                             {object(0, 0, 0, 100, 100)});
  EXPECT_TRUE(m.correct[0][0]);
  EXPECT_FALSE(m.correct[1][0]);  // the label is claimed already
  const auto s = score_detections(std::vector<ImageMatches>{m});
  EXPECT_NEAR(s.map50, kPerfectAp, 1e-12);  // the duplicate ranks below the hit: AP is kept...
  // ...but at the confidence of best F1 both are kept (the curve is flat below 0.9): P = 1/2.
  EXPECT_GT(s.classes[0].precision, 0.49);
  EXPECT_LT(s.classes[0].precision, 1.0);
}

TEST(DetectionMetricsTest, ImageWithoutLabelsMakesFalsePositivesOnly) {
  std::vector<ImageMatches> images{match_image({detection(0, 0.95f, 0, 0, 10, 10)}, {}),
                                   match_image({detection(0, 0.5f, 0, 0, 100, 100)}, {object(0, 0, 0, 100, 100)})};
  EXPECT_FALSE(images[0].correct[0][0]);
  const auto s = score_detections(images);
  // Ranked: FP (0.95), TP (0.5): the precision envelope is 0.5 up to recall 1.
  EXPECT_NEAR(s.map50, 0.5 * kPerfectAp, 1e-12);
  EXPECT_EQ(s.images, 2);
}

TEST(DetectionMetricsTest, ClassWithoutLabelsIsLeftOutAndMissedClassCountsZero) {
  std::vector<ImageMatches> images{match_image(
      {detection(0, 0.9f, 0, 0, 100, 100), detection(2, 0.9f, 200, 200, 300, 300)},
      {object(0, 0, 0, 100, 100), object(1, 300, 0, 350, 50)})};
  const auto s = score_detections(images);
  ASSERT_EQ(s.classes.size(), 2u);  // classes 0 and 1 have labels; 2 has none
  EXPECT_EQ(s.classes[0].cls, 0);
  EXPECT_EQ(s.classes[1].cls, 1);
  EXPECT_NEAR(s.classes[0].ap50(), kPerfectAp, 1e-12);
  EXPECT_NEAR(s.classes[1].ap50(), 0.0, 1e-12);
  EXPECT_NEAR(s.map50, kPerfectAp / 2, 1e-12);
}

TEST(DetectionMetricsTest, NoLabelsAtAllScoresZero) {
  const auto s = score_detections(std::vector<ImageMatches>{match_image({detection(0, 0.9f, 0, 0, 5, 5)}, {})});
  EXPECT_TRUE(s.classes.empty());
  EXPECT_EQ(s.map50, 0.0);
}

TEST(DetectionMetricsTest, AgreesWithUltralyticsApPerClassTo1e6) {
  std::ifstream in(std::string(TESG_SOURCE_DIR) + "/tests/fixtures/detect/ap_cases.json");
  ASSERT_TRUE(in) << "fixture missing";
  const auto cases = nlohmann::json::parse(in);
  ASSERT_FALSE(cases.empty());
  for (const auto& [name, c] : cases.items()) {
    std::vector<ImageMatches> images;
    for (const auto& im : c["images"]) {
      Objects labels;
      Detections preds;
      for (const auto& l : im["labels"]) labels.push_back(object(l[0], l[1], l[2], l[3], l[4]));
      for (const auto& p : im["preds"]) preds.push_back(detection(p[0], p[1], p[2], p[3], p[4], p[5]));
      images.push_back(match_image(preds, labels));
    }
    const auto s = score_detections(images);
    const auto& e = c["expected"];
    ASSERT_EQ(s.classes.size(), e["classes"].size()) << name;
    for (size_t k = 0; k < s.classes.size(); ++k) {
      EXPECT_EQ(s.classes[k].cls, e["classes"][k].get<int>());
      EXPECT_NEAR(s.classes[k].precision, e["precision"][k].get<double>(), 1e-6) << name << " class " << k;
      EXPECT_NEAR(s.classes[k].recall, e["recall"][k].get<double>(), 1e-6) << name << " class " << k;
      for (int t = 0; t < kIouThresholds; ++t)
        EXPECT_NEAR(s.classes[k].ap[t], e["ap"][k][t].get<double>(), 1e-6) << name << " class " << k << " t " << t;
    }
    EXPECT_NEAR(s.precision, e["mp"].get<double>(), 1e-6);
    EXPECT_NEAR(s.recall, e["mr"].get<double>(), 1e-6);
    EXPECT_NEAR(s.map50, e["map50"].get<double>(), 1e-6);
    EXPECT_NEAR(s.map75, e["map75"].get<double>(), 1e-6);
    EXPECT_NEAR(s.map50_95, e["map50_95"].get<double>(), 1e-6);
  }
}

TEST(DetectionMetricsTest, BootstrapIsDeterministicAndBracketsTheEstimate) {
  std::vector<ImageMatches> a, b;
  for (int i = 0; i < 12; ++i) {
    const float x = 10.0f * i;
    a.push_back(match_image({detection(0, 0.9f, x, 0, x + 50, 50)}, {object(0, x, 0, x + 50, 50)}));
    b.push_back(match_image({detection(0, 0.9f, x + (i % 2 ? 0 : 30), 0, x + 50, 50)}, {object(0, x, 0, x + 50, 50)}));
  }
  std::vector<std::vector<const ImageMatches*>> rows(2);
  for (int i = 0; i < 12; ++i) rows[0].push_back(&a[i]), rows[1].push_back(&b[i]);
  BootstrapOptions o;
  o.resamples = 200, o.seed = 7;
  const auto first = bootstrap_intervals(rows, 0, o), second = bootstrap_intervals(rows, 0, o);
  EXPECT_EQ(first[1].map50.low, second[1].map50.low);
  EXPECT_EQ(first[1].map50_95.high, second[1].map50_95.high);
  const auto sb = score_detections(b);
  EXPECT_LE(first[1].map50.low, sb.map50);
  EXPECT_GE(first[1].map50.high, sb.map50);
  EXPECT_LT(first[1].map50.low, first[1].map50.high);  // half the boxes miss IoU 0.5: it varies
  EXPECT_EQ(first[0].diff_map50.low, 0.0);             // the reference against itself
  EXPECT_EQ(first[0].diff_map50.high, 0.0);
  EXPECT_LT(first[1].diff_map50.high, 0.0);  // b is worse than a in every resample
}

}  // namespace
}  // namespace tesg::detect

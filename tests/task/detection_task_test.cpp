// The detection task loss with the real COCO YOLOv5n on MSRS: gradients reach the fused image and
// never the frozen detector, zero when the fused image is the source the detector trusts, and
// labels that teach where neither source shows anything.
#include "tesg/task/detection_task.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support.h"
#include "tesg/detect/detector.h"
#include "tesg/detect/yolo_labels.h"
#include "tesg/error.h"
#include "tesg/io/image.h"

namespace tesg::task {
namespace {

std::string yolov5n() { return test::shared_dir() + "/models/yolov5n_coco.torchscript"; }

DetectionTaskOptions msrs_task() {
  return DetectionTaskOptions().detector(yolov5n()).classes("person=0,bicycle=1,car=2");
}

// A night pair of MSRS test: people the infrared shows and the dark visible image hardly does.
struct Night {
  at::Tensor vi = io::read_visible(test::shared_data("MSRS/test/vi/00004N.png")).unsqueeze(0);
  at::Tensor ir = io::read_infrared(test::shared_data("MSRS/test/ir/00004N.png")).unsqueeze(0);
};

TEST(DetectionTaskTest, GradientsReachTheFusedImageAndNotTheDetector) {
  TESG_REQUIRE_SHARED_DATA();
  DetectionTask task(msrs_task());
  const Night pair;
  const auto fused = ((pair.vi + pair.ir) / 2).requires_grad_(true);  // average fusion loses contrast
  const auto t = task(fused, pair.vi, pair.ir);
  EXPECT_GT(t.targets, 0);
  EXPECT_GT(t.score.item<double>(), 0.0);
  t.total.backward();
  ASSERT_TRUE(fused.grad().defined());
  EXPECT_TRUE(torch::isfinite(fused.grad()).all().item<bool>());
  EXPECT_GT(fused.grad().abs().sum().item<double>(), 0.0);
  for (const auto& p : task.detector().parameters()) {
    EXPECT_FALSE(p.requires_grad());
    EXPECT_FALSE(p.grad().defined());
  }
}

TEST(DetectionTaskTest, ZeroWhenTheFusedImageIsTheMoreConfidentSource) {
  TESG_REQUIRE_SHARED_DATA();
  DetectionTask task(msrs_task());
  const Night pair;
  const auto blank = torch::full_like(pair.vi, 0.5);  // a visible image showing nothing
  const auto fused = pair.ir.expand({-1, 3, -1, -1}).clone().requires_grad_(true);
  const auto t = task(fused, blank, pair.ir);
  EXPECT_GT(t.targets, 0);  // the infrared shows people
  EXPECT_EQ(t.total.item<double>(), 0.0);
  // The visible image instead is far from it.
  EXPECT_GT(task(blank, blank, pair.ir).score.item<double>(), 0.1);
}

TEST(DetectionTaskTest, LabelsTeachWhereNeitherSourceShowsAnything) {
  TESG_REQUIRE_SHARED_DATA();
  DetectionTask task(msrs_task());
  const auto blank = torch::full({1, 3, 480, 640}, 0.5);
  const auto ir = torch::full({1, 1, 480, 640}, 0.5);
  const auto fused = blank.clone().requires_grad_(true);
  EXPECT_EQ(task(fused, blank, ir).targets, 0);
  // MSRS's label file of the pair: label ids 0 person, 1 bicycle, 2 car.
  const auto objects = detect::read_yolo_labels(test::shared_data("MSRS/test/det/fusion/00004N.txt"), 640, 480);
  const auto t = task(fused, blank, ir, {objects});
  EXPECT_GT(t.targets, 0);
  EXPECT_GT(t.score.item<double>(), 0.3);  // nothing scores near label_score 0.5 on gray
  t.total.backward();
  EXPECT_GT(fused.grad().abs().sum().item<double>(), 0.0);
}

TEST(DetectionTaskTest, RefusesUnknownClassesAndFilesThatAreNotDetectors) {
  TESG_REQUIRE_SHARED_DATA();
  EXPECT_THROW_WITH(DetectionTask(msrs_task().classes("person=0,zebra_crossing=1")), Error,
                    "classes 'person=0,zebra_crossing=1': class 'zebra_crossing' is not one of the detector's 80");
  const auto not_a_model = test::shared_data("MSRS/det_classes.txt");
  EXPECT_THROW_WITH(DetectionTask(DetectionTaskOptions().detector(not_a_model)), Error,
                    not_a_model + ": not a TorchScript model");
}

}  // namespace
}  // namespace tesg::task

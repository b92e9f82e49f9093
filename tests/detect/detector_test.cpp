// Running TorchScript YOLO exports: both output layouts, metadata, refusals, and detections
// equal to ultralytics' Python validation pipeline on the same file (golden files made by
// scripts/dev/make_detect_fixtures.py).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "support.h"
#include "tesg/detect/detector.h"
#include "tesg/error.h"

namespace tesg::detect {
namespace {

const std::string kFixtures = std::string(TESG_SOURCE_DIR) + "/tests/fixtures/detect/";
std::string yolov5n() { return test::shared_dir() + "/models/yolov5n_coco.torchscript"; }

// Each Python detection has a C++ one of its class within 0.5 px and 1e-4 in score, and no C++
// detection is left over. A score within 1e-4 of the confidence threshold may fall on either side
// of it (LibTorch's kernels need not sum in Python's order), so those may be missing on one side.
void expect_same_detections(Detector& detector, const std::string& golden) {
  constexpr float kScoreTol = 1e-4f, kBoxTol = 0.5f;
  const auto borderline = [&](float score) { return score < detector.options().conf + kScoreTol; };
  const auto same = [&](const Detection& d, const nlohmann::json& e) {
    return d.cls == e[0].get<int>() && std::abs(d.score - e[1].get<float>()) < kScoreTol &&
           std::abs(d.box.x1 - e[2].get<float>()) < kBoxTol && std::abs(d.box.y1 - e[3].get<float>()) < kBoxTol &&
           std::abs(d.box.x2 - e[4].get<float>()) < kBoxTol && std::abs(d.box.y2 - e[5].get<float>()) < kBoxTol;
  };
  std::ifstream in(kFixtures + golden);
  ASSERT_TRUE(in) << golden;
  for (const auto& image : nlohmann::json::parse(in)) {
    const auto path = std::string(TESG_SOURCE_DIR) + "/" + image["image"].get<std::string>();
    const auto found = detector.detect({cv::imread(path, cv::IMREAD_COLOR)})[0];
    const auto& expected = image["detections"];
    ASSERT_GT(expected.size(), 3u) << path;
    std::vector<bool> used(found.size(), false);
    for (const auto& e : expected) {
      size_t k = 0;
      while (k < found.size() && (used[k] || !same(found[k], e))) ++k;
      if (k < found.size()) used[k] = true;
      else EXPECT_TRUE(borderline(e[1].get<float>())) << path << ": Python detection " << e << " not found";
    }
    for (size_t k = 0; k < found.size(); ++k)
      EXPECT_TRUE(used[k] || borderline(found[k].score)) << path << ": extra detection, score " << found[k].score;
  }
}

TEST(DetectorTest, RecognisesBothLayoutsAndRefusesOthers) {
  EXPECT_EQ(recognise_layout({1, 25200, 85}, 80), YoloLayout::kV5);
  EXPECT_EQ(recognise_layout({1, 84, 8400}, 80), YoloLayout::kV8);
  EXPECT_EQ(recognise_layout({2, 7, 84}, 0), YoloLayout::kV8);
  EXPECT_EQ(recognise_layout({2, 6300, 8}, 0), YoloLayout::kV5);
  EXPECT_THROW_WITH(recognise_layout({1, 25200, 86}, 80), Error,
                    "detector output [1, 25200, 86] is neither YOLOv5 [B, N, 5 + 80] nor YOLOv8 [B, 4 + 80, N]");
  EXPECT_THROW_WITH(recognise_layout({1, 1000}, 0), Error, "is neither");
}

TEST(DetectorTest, CandidatesOfTheV5LayoutAreObjectnessTimesClass) {
  const auto out = torch::tensor({10.0f, 20.0f, 4.0f, 6.0f, 0.5f, 0.2f, 0.8f}).view({1, 1, 7});
  const auto c = yolo_candidates(out, YoloLayout::kV5);
  EXPECT_TRUE(torch::allclose(c, torch::tensor({10.0f, 20.0f, 4.0f, 6.0f, 0.1f, 0.4f}).view({1, 1, 6})));
  const auto v8 = yolo_candidates(torch::arange(12, torch::kFloat32).view({1, 6, 2}), YoloLayout::kV8);
  EXPECT_EQ(v8.sizes(), (at::IntArrayRef{1, 2, 6}));
}

TEST(DetectorTest, Yolov8LayoutFixtureLoadsWithItsMetadataAndMatchesPython) {
  Detector detector(kFixtures + "yolov8_tiny.torchscript");
  const auto& info = detector.info();
  EXPECT_EQ(info.layout, YoloLayout::kV8);
  EXPECT_EQ(info.input_w, 64);
  EXPECT_EQ(info.input_h, 64);
  EXPECT_EQ(info.names, (std::vector<std::string>{"person", "bicycle", "car"}));  // from a dict
  expect_same_detections(detector, "yolov8_tiny_expected.json");
}

TEST(DetectorTest, Yolov5nDetectionsEqualUltralyticsPipelineInPython) {
  TESG_REQUIRE_SHARED_DATA();
  DetectorOptions o;
  o.classes = {0, 1, 2};
  Detector detector(yolov5n(), o);
  EXPECT_EQ(detector.info().layout, YoloLayout::kV5);
  EXPECT_EQ(detector.info().names.size(), 80u);
  EXPECT_EQ(detector.info().input_w, 640);
  expect_same_detections(detector, "yolov5n_expected.json");
}

TEST(DetectorTest, BatchesGiveTheSameDetectionsAsSingleImages) {
  Detector detector(kFixtures + "yolov8_tiny.torchscript");
  const auto a = cv::imread(std::string(TESG_SOURCE_DIR) + "/data/samples/vi/00004N.png", cv::IMREAD_COLOR);
  const auto b = cv::imread(std::string(TESG_SOURCE_DIR) + "/data/samples/ir/190001.jpg", cv::IMREAD_COLOR);
  const auto batch = detector.detect({a, b});
  const auto single = detector.detect({b})[0];
  ASSERT_EQ(batch[1].size(), single.size());
  for (size_t k = 0; k < single.size(); ++k) {
    EXPECT_NEAR(batch[1][k].score, single[k].score, 1e-5);
    EXPECT_NEAR(batch[1][k].box.x2, single[k].box.x2, 1e-2);
  }
}

TEST(DetectorTest, AFileThatIsNotTorchScriptIsOneClearError) {
  test::TempDir dir;
  std::ofstream(dir / "model.torchscript") << "not a model";
  EXPECT_THROW_WITH(Detector(dir / "model.torchscript"), Error, "model.torchscript: not a TorchScript model");
  EXPECT_THROW_WITH(Detector(dir / "missing.pt"), Error, "missing.pt: not a TorchScript model");
}

TEST(DetectorTest, AModelOfAnotherOutputIsRefusedAtLoad) {
  // The segmentation fixture is TorchScript but outputs [1, 4, H, W].
  EXPECT_THROW_WITH(Detector(std::string(TESG_SOURCE_DIR) + "/tests/fixtures/segment/segmenter.torchscript",
                             DetectorOptions{}, 64),
                    Error, "segmenter.torchscript: detector output [1, 4, 64, 64] is neither");
}

}  // namespace
}  // namespace tesg::detect

namespace tesg::detect {
namespace {

// scripts/gpu_check.sh runs this where a GPU exists: the CUDA forward pass (fp32, then fp16)
// finds what the CPU finds.
TEST(DetectorCudaTest, CudaDetectionsFollowTheCpuOnes) {
  TESG_REQUIRE_CUDA_DEVICE(1);
  const auto image = cv::imread(std::string(TESG_SOURCE_DIR) + "/data/samples/vi/FLIR_05102.jpg", cv::IMREAD_COLOR);
  Detector cpu(kFixtures + "yolov8_tiny.torchscript");
  const auto expected = cpu.detect({image})[0];
  for (const bool half : {false, true}) {
    DetectorOptions o;
    o.device = "cuda", o.half = half;
    Detector gpu(kFixtures + "yolov8_tiny.torchscript", o);
    const auto found = gpu.detect({image, image});
    ASSERT_EQ(found.size(), 2u);
    const float tol = half ? 2e-3f : 1e-4f;
    size_t matched = 0;
    for (const auto& e : expected) {
      if (e.score < 0.05f) continue;  // low scores may cross the threshold in fp16
      for (const auto& d : found[1])
        if (d.cls == e.cls && std::abs(d.score - e.score) < tol && std::abs(d.box.x1 - e.box.x1) < 1.0f) {
          ++matched;
          break;
        }
    }
    const auto confident = std::count_if(expected.begin(), expected.end(), [](const Detection& e) { return e.score >= 0.05f; });
    EXPECT_EQ(static_cast<int64_t>(matched), confident) << (half ? "fp16" : "fp32");
  }
}

}  // namespace
}  // namespace tesg::detect

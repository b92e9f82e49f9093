// tesg-detect as a user runs it: the table, the written reports and pictures, exit codes, and
// bad input (missing or malformed labels, missing images, a file that is no detector).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

test::CommandResult run_detect(const std::string& args) { return test::run_command(TESG_DETECT_BIN, args); }

// Three MSRS test pairs with their labels, and a "copy" method holding their visible images.
class DetectCliTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto msrs = test::shared_data("MSRS/test");
    if (!fs::is_directory(msrs)) return;
    for (const auto* sub : {"data/ir", "data/vi", "labels", "copy"}) fs::create_directories(dir / sub);
    for (const std::string stem : {"00004N", "00055D", "00107D"}) {
      fs::copy_file(msrs + "/ir/" + stem + ".png", dir / ("data/ir/" + stem + ".png"));
      fs::copy_file(msrs + "/vi/" + stem + ".png", dir / ("data/vi/" + stem + ".png"));
      fs::copy_file(msrs + "/vi/" + stem + ".png", dir / ("copy/" + stem + ".png"));
      fs::copy_file(msrs + "/det/fusion/" + stem + ".txt", dir / ("labels/" + stem + ".txt"));
    }
  }
  std::string args(const std::string& extra = "") const {
    return "--detector " + test::shared_dir() + "/models/yolov5n_coco.torchscript --data " + dir / "data" +
           " --labels " + dir / "labels" + " --classes person=0,bicycle=1,car=2 --sources --fused copy=" +
           dir / "copy" + " --bootstrap 50 --out " + dir / "out " + extra;
  }
  test::TempDir dir;
};

TEST_F(DetectCliTest, ScoresSourcesAndMethodsWithReportsAndPictures) {
  TESG_REQUIRE_SHARED_DATA();
  auto [code, output] = run_detect(args("--reference visible"));
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("| infrared | 3/3 |"), std::string::npos) << output;
  EXPECT_NE(output.find("Δ mAP@0.5 vs visible"), std::string::npos) << output;
  const auto summary = nlohmann::json::parse(test::file_content(dir / "out/summary.json"));
  ASSERT_EQ(summary["rows"].size(), 3u);
  // The copy of the visible images scores exactly as the visible row, difference 0.
  EXPECT_EQ(summary["rows"][2]["map50_95"], summary["rows"][1]["map50_95"]);
  EXPECT_EQ(summary["rows"][2]["diff_map50_ci"][0].get<double>(), 0.0);
  EXPECT_GT(summary["rows"][0]["map50"].get<double>(), 0.1);  // a real detector finds people
  EXPECT_TRUE(fs::exists(dir / "out/infrared/labels/00004N.txt"));
  EXPECT_NE(test::file_content(dir / "out/copy/detections.csv").find("00107D,"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out/grid/00055D.png"));
  EXPECT_TRUE(fs::exists(dir / "out/contact_sheet.png"));
  EXPECT_NE(test::file_content(dir / "out/summary.csv").find("method,images,labels"), std::string::npos);
}

TEST_F(DetectCliTest, MissingLabelFileIsAnImageWithoutObjectsWithAWarning) {
  TESG_REQUIRE_SHARED_DATA();
  fs::remove(dir / "labels/00055D.txt");
  auto [code, output] = run_detect(args("--no-pictures"));
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("00055D.txt: no label file, scored as an image without objects"), std::string::npos)
      << output;
  EXPECT_NE(output.find("| visible | 3/3 |"), std::string::npos) << output;
}

TEST_F(DetectCliTest, MalformedLabelSkipsThatImageAndScoresTheRest) {
  TESG_REQUIRE_SHARED_DATA();
  std::ofstream(dir / "labels/00055D.txt") << "0 0.5 0.5 0.1 0.1\n0 0.5 oops 0.1 0.1\n";
  auto [code, output] = run_detect(args("--no-pictures"));
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("00055D.txt:2: 'oops' is not a number"), std::string::npos) << output;
  EXPECT_NE(output.find("| infrared | 2/3 |"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(dir / "out/summary.md"));
}

TEST_F(DetectCliTest, FolderMissingImagesIsScoredOnWhatItHas) {
  TESG_REQUIRE_SHARED_DATA();
  fs::remove(dir / "copy/00004N.png");
  auto [code, output] = run_detect(args("--no-pictures"));
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("no image for pair '00004N'"), std::string::npos) << output;
  EXPECT_NE(output.find("| copy | 2/3 |"), std::string::npos) << output;
}

TEST(DetectCliErrorsTest, NotADetectorIsOneErrorAndExitCode2) {
  test::TempDir dir;
  std::ofstream(dir / "fake.torchscript") << "PK not really";
  auto [code, output] = run_detect("--detector " + dir / "fake.torchscript" + " --data " +
                                   std::string(TESG_SOURCE_DIR) + "/data/samples --labels " + dir.path() +
                                   " --sources");
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find("fake.torchscript: not a TorchScript model"), std::string::npos) << output;
  const auto segmenter = std::string(TESG_SOURCE_DIR) + "/tests/fixtures/segment/segmenter.torchscript";
  std::tie(code, output) = run_detect("--detector " + segmenter + " --imgsz 32 --data " +
                                      std::string(TESG_SOURCE_DIR) + "/data/samples --labels " + dir.path() +
                                      " --sources");
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find("is neither YOLOv5"), std::string::npos) << output;
}

TEST(DetectCliErrorsTest, UnknownReferenceRowIsRefused) {
  test::TempDir dir;
  auto [code, output] = run_detect("--detector " + std::string(TESG_SOURCE_DIR) +
                                   "/tests/fixtures/detect/yolov8_tiny.torchscript --data " +
                                   std::string(TESG_SOURCE_DIR) + "/data/samples --labels " + dir.path() +
                                   " --sources --reference max");
  EXPECT_EQ(code, 2) << output;
  EXPECT_NE(output.find("--reference max: no row of that name"), std::string::npos) << output;
}

TEST(DetectCliErrorsTest, SegmentTaskScoresLabelMapFolders) {
  const auto fixtures = std::string(TESG_SOURCE_DIR) + "/tests/fixtures/segment/";
  auto [code, output] = test::run_command(TESG_DETECT_BIN, "--task segment --labels " + fixtures + "labels" +
                                                               " --fused pred=" + fixtures + "pred --num-classes 5");
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("| pred | 3/3 |"), std::string::npos) << output;
  EXPECT_NE(output.find("mIoU"), std::string::npos) << output;
}

}  // namespace
}  // namespace tesg

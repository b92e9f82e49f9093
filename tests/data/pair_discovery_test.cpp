#include "tesg/data/pair_discovery.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support.h"
#include "tesg/error.h"

namespace tesg::data {
namespace {

namespace fs = std::filesystem;

void touch(const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> stems(const PairSet& set) {
  std::vector<std::string> out;
  for (const auto& p : set.pairs) out.push_back(p.stem);
  return out;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(PairDiscoveryTest, MatchesByStemAcrossExtensionsAndReportsUnpaired) {
  test::TempDir dir;
  touch(dir / "ir/a.png");
  touch(dir / "vi/a.jpg");
  touch(dir / "ir/b.PNG");
  touch(dir / "vi/b.png");
  touch(dir / "ir/only_ir.png");
  touch(dir / "vi/only_vi.bmp");
  touch(dir / "vi/notes.txt");
  const auto set = find_pairs(dir.path());
  EXPECT_EQ(stems(set), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(set.pairs[0].vi, dir / "vi/a.jpg");
  ASSERT_EQ(set.problems.size(), 2u);
  EXPECT_TRUE(mentions(set.problems, "ir/only_ir.png: no visible image with stem 'only_ir'"));
  EXPECT_TRUE(mentions(set.problems, "vi/only_vi.bmp: no infrared image with stem 'only_vi'"));
}

TEST(PairDiscoveryTest, AmbiguousStemIsReported) {
  test::TempDir dir;
  touch(dir / "ir/a.png");
  touch(dir / "ir/a.jpg");
  touch(dir / "vi/a.png");
  const auto set = find_pairs(dir.path());
  EXPECT_EQ(set.pairs.size(), 1u);
  EXPECT_TRUE(mentions(set.problems, "stem 'a' also used by"));
}

TEST(PairDiscoveryTest, RoadSceneLayout) {
  test::TempDir dir;
  touch(dir / "cropinfrared/FLIR_0001.jpg");
  touch(dir / "crop_LR_visible/FLIR_0001.jpg");
  touch(dir / "crop_HR_visible/FLIR_0001.jpg");
  const auto set = find_pairs(dir.path());
  ASSERT_EQ(set.pairs.size(), 1u);
  EXPECT_EQ(set.pairs[0].vi, dir / "crop_LR_visible/FLIR_0001.jpg");
}

TEST(PairDiscoveryTest, LlvipSplitLayout) {
  test::TempDir dir;
  for (const auto* split : {"train", "test"}) {
    touch(dir / (std::string("infrared/") + split + "/010001.jpg"));
    touch(dir / (std::string("visible/") + split + "/010001.jpg"));
  }
  touch(dir / "visible/test/010002.jpg");
  EXPECT_THROW_WITH(find_pairs(dir.path()), DataError, "several splits (test, train): choose one");
  const auto set = find_pairs(dir.path(), "test");
  EXPECT_EQ(stems(set), (std::vector<std::string>{"010001"}));
  EXPECT_TRUE(mentions(set.problems, "010002.jpg: no infrared image"));
  EXPECT_THROW_WITH(find_pairs(dir.path(), "val"), DataError, "no such split folder");
}

TEST(PairDiscoveryTest, MissingFoldersAreNamed) {
  test::TempDir dir;
  EXPECT_THROW_WITH(find_pairs(dir / "absent"), DataError, "absent: no such folder");
  touch(dir / "ir/a.png");
  EXPECT_THROW_WITH(find_pairs(dir.path()), DataError, "no infrared/visible folders");
}

TEST(PairDiscoveryTest, FindsEveryPairOfTheRealDatasets) {
  TESG_REQUIRE_SHARED_DATA();
  EXPECT_EQ(find_pairs(test::shared_data("MSRS/test")).pairs.size(), 21u);
  EXPECT_EQ(find_pairs(test::shared_data("RoadScene/test")).pairs.size(), 40u);
  const auto llvip = find_pairs(test::shared_data("LLVIP/test"));
  EXPECT_EQ(llvip.pairs.size(), 12u);
  EXPECT_TRUE(llvip.problems.empty());
}

TEST(PairDiscoveryTest, ReportLinesSortInPairOrderNotAsText) {
  // As text, "a-b: ..." and "a1: ..." come before "a: ..." ('-' and '1' sort before ':').
  std::vector<std::string> lines = {"a1: too small", "out/a-b.png: unreadable", "b: 31x20 != 30x20",
                                    "labels/a.txt: class 7 is not scored", "a: no visible image"};
  sort_in_pair_order(lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"a: no visible image", "labels/a.txt: class 7 is not scored",
                                             "out/a-b.png: unreadable", "a1: too small", "b: 31x20 != 30x20"}));
  std::vector<std::string> kept = {"z: unpaired", "b: x", "a: y"};  // the first line stays first
  sort_in_pair_order(kept, 1);
  EXPECT_EQ(kept, (std::vector<std::string>{"z: unpaired", "a: y", "b: x"}));
}

}  // namespace
}  // namespace tesg::data

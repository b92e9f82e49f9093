#include "tesg/train/provenance.h"

#include <gtest/gtest.h>
#include <torch/version.h>

#include <regex>

#include "tesg/error.h"
#include "tesg/version.h"

namespace tesg::train {
namespace {

Provenance example() {
  Provenance p;
  p.data = {{"data/MSRS/train", 12, "00000000deadbeef"}, {"data/Road Scene", 181, "0123456789abcdef"}};
  p.git_commit = "3f1c0b6d9a0e4f2b8c7d6e5f4a3b2c1d0e9f8a7b";
  p.git_dirty = true;
  p.tesg_version = "0.5.0";
  p.torch_version = "2.11.0+cuda";
  p.train_seconds = 1260.5;
  p.recorded = "by tesg-train";
  return p;
}

TEST(ProvenanceTest, JsonRoundTripKeepsEveryField) {
  const auto p = example();
  const auto back = provenance_from_json(to_json(p), "x.pt");
  ASSERT_EQ(back.data.size(), 2u);
  EXPECT_EQ(back.data[1].folder, "data/Road Scene");
  EXPECT_EQ(back.data[1].pairs, 181);
  EXPECT_EQ(back.data[0].list_hash, "00000000deadbeef");
  EXPECT_EQ(back.git_commit, p.git_commit);
  EXPECT_TRUE(back.git_dirty);
  EXPECT_EQ(back.tesg_version, "0.5.0");
  EXPECT_EQ(back.torch_version, "2.11.0+cuda");
  EXPECT_DOUBLE_EQ(back.train_seconds, 1260.5);
  EXPECT_EQ(back.recorded, "by tesg-train");
}

TEST(ProvenanceTest, MalformedJsonIsACheckpointErrorNamingTheFile) {
  for (const std::string bad : {"{", "[]", R"({"data": 3})", R"({"data": [], "git_commit": 1})"}) {
    try {
      provenance_from_json(bad, "runs/x/last.pt");
      FAIL() << bad;
    } catch (const CheckpointError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("runs/x/last.pt: unreadable provenance", 0), 0u) << e.what();
    }
  }
}

TEST(ProvenanceTest, DescribeSaysEachFieldOnItsOwnLine) {
  const auto text = describe(example());
  EXPECT_NE(text.find("provenance: by tesg-train\n"), std::string::npos) << text;
  EXPECT_NE(text.find("data: data/MSRS/train (12 pairs, list hash 00000000deadbeef)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("git commit: 3f1c0b6d9a0e4f2b8c7d6e5f4a3b2c1d0e9f8a7b (with uncommitted changes)\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("tesg: 0.5.0, LibTorch 2.11.0+cuda\n"), std::string::npos) << text;
  EXPECT_NE(text.find("training time: 21.0 min\n"), std::string::npos) << text;
  EXPECT_EQ(describe(Provenance{}), "provenance: not recorded (a checkpoint of tesg before 0.5.0)\n");
}

TEST(ProvenanceTest, ThisBuildNamesItsCommitAndVersions) {
  const auto p = this_build();
  EXPECT_TRUE(std::regex_match(p.git_commit, std::regex("[0-9a-f]{40}|unknown"))) << p.git_commit;
  EXPECT_EQ(p.tesg_version, version());
  EXPECT_EQ(p.torch_version.rfind(TORCH_VERSION, 0), 0u) << p.torch_version;
  EXPECT_TRUE(p.data.empty());
  EXPECT_TRUE(p.recorded.empty());
}

TEST(ProvenanceTest, ListHashIsFnv1aOfTheLinesInHex) {
  EXPECT_EQ(list_hash(""), "cbf29ce484222325");  // FNV-1a 64 offset basis: the empty list
  EXPECT_EQ(list_hash("a"), "af63dc4c8601ec8c");
  EXPECT_NE(list_hash("ir/a.png\tvi/a.png\nir/b.png\tvi/b.png\n"), list_hash("ir/b.png\tvi/b.png\nir/a.png\tvi/a.png\n"));
}

TEST(ProvenanceTest, PairListLinesAreRelativeToTheFolder) {
  EXPECT_EQ(pair_list_line("/d/MSRS", "/d/MSRS/ir/00001D.png", "/d/MSRS/vi/00001D.png"),
            "ir/00001D.png\tvi/00001D.png\n");
  EXPECT_EQ(pair_list_line("LLVIP", "LLVIP/infrared/train/1.jpg", "LLVIP/visible/train/1.jpg"),
            "infrared/train/1.jpg\tvisible/train/1.jpg\n");
}

TEST(ProvenanceTest, DataSourceCountsAndHashesThePairsInOrder) {
  const std::vector<data::ImagePair> pairs = {{"a", "/d/ir/a.png", "/d/vi/a.png"}, {"b", "/d/ir/b.png", "/d/vi/b.png"}};
  const auto source = data_source("/d", pairs);
  EXPECT_EQ(source.folder, "/d");
  EXPECT_EQ(source.pairs, 2);
  EXPECT_EQ(source.list_hash, list_hash("ir/a.png\tvi/a.png\nir/b.png\tvi/b.png\n"));
  EXPECT_EQ(data_source("/d", {}).list_hash, list_hash(""));
}

}  // namespace
}  // namespace tesg::train

// tesg-eval as a user runs it: exit codes, messages and written reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "support.h"
#include "tesg/io/image.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

test::CommandResult run_eval(const std::string& args) {
  return test::run_command(TESG_EVAL_BIN, args);
}

// A dataset of three 24x32 pairs and a fused folder; `fused_stems` chooses which fused exist.
class EvalCliTest : public testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "data/ir");
    fs::create_directories(dir / "data/vi");
    fs::create_directories(dir / "fused");
    for (const auto* stem : {"a", "b", "c"}) {
      tesg::io::write_png(dir / (std::string("data/ir/") + stem + ".png"), torch::rand({1, 24, 32}));
      tesg::io::write_png(dir / (std::string("data/vi/") + stem + ".png"), torch::rand({3, 24, 32}));
    }
  }
  void add_fused(const std::string& stem, int64_t h = 24, int64_t w = 32) {
    tesg::io::write_png(dir / ("fused/" + stem + ".png"), torch::rand({3, h, w}));
  }
  test::TempDir dir;
};

TEST_F(EvalCliTest, WritesTablesForCompleteFolder) {
  for (const auto* stem : {"a", "b", "c"}) add_fused(stem);
  auto [exit_code, output] = run_eval("--data " + dir / "data" + " --fused M=" + dir / "fused" +
                            " --metrics EN,SSIM,Qabf --out " + dir / "out");
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("| M | 3/3 |"), std::string::npos) << output;
  EXPECT_NE(output.find("M: 3 of 3 evaluated"), std::string::npos);
  const auto csv = test::file_content(dir / "out/M_per_image.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "stem,EN,SSIM,Qabf");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_NE(test::file_content(dir / "out/summary.json").find("\"evaluated\": 3"), std::string::npos);
  EXPECT_NE(test::file_content(dir / "out/summary.md").find("EN ↑"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out/summary.csv"));
}

// Method names are labels ("w/o MGCA" in scripts/ablation.sh), not paths.
TEST_F(EvalCliTest, MethodNamesWithSlashesAndSpacesGiveFlatFileNames) {
  for (const auto* stem : {"a", "b", "c"}) add_fused(stem);
  auto [exit_code, output] = run_eval("--data " + dir / "data" + " --fused 'w/o MGCA=" + dir / "fused" +
                                      "' --metrics EN --out " + dir / "out");
  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_NE(output.find("| w/o MGCA | 3/3 |"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(dir / "out/w_o_MGCA_per_image.csv")) << output;
}

TEST_F(EvalCliTest, BadItemsAreNamedAndTheRestIsEvaluated) {
  add_fused("a");
  add_fused("b", 20, 32);                       // size mismatch
  std::ofstream(dir / "fused/c.png") << "junk";  // unreadable
  auto [exit_code, output] = run_eval("--data " + dir / "data" + " --fused " + dir / "fused" +
                            " --metrics EN,SD");
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_NE(output.find("fused: 1 of 3 evaluated"), std::string::npos) << output;
  EXPECT_NE(output.find("b.png: size mismatch: fused 32x20, infrared 32x24, visible 32x24"), std::string::npos) << output;
  EXPECT_NE(output.find("fused: " + dir / "fused/c.png: cannot decode image"),
            std::string::npos) << output;
}

TEST_F(EvalCliTest, MissingFusedImageIsReported) {
  add_fused("a");
  add_fused("b");
  auto [exit_code, output] = run_eval("--data " + dir / "data" + " --fused " + dir / "fused");
  EXPECT_EQ(exit_code, 1);
  EXPECT_NE(output.find("no fused image for pair 'c'"), std::string::npos) << output;
  EXPECT_NE(output.find("2 of 3 evaluated"), std::string::npos);
}

TEST_F(EvalCliTest, FatalErrorsGiveOneLineAndExitTwo) {
  auto [exit_code, output] = run_eval("--data " + dir / "nowhere" + " --fused " + dir / "data/vi");
  EXPECT_EQ(exit_code, 2);
  EXPECT_NE(output.find("nowhere: no such folder"), std::string::npos) << output;
  std::tie(exit_code, output) =
      run_eval("--data " + dir / "data" + " --fused " + dir / "data/vi --metrics EN,XYZ");
  EXPECT_EQ(exit_code, 2);
  EXPECT_NE(output.find("unknown metric 'XYZ'"), std::string::npos) << output;
  std::tie(exit_code, output) = run_eval("--data " + dir / "data");  // --fused is required
  EXPECT_NE(exit_code, 0);
  EXPECT_NE(output.find("--fused is required"), std::string::npos) << output;
}

}  // namespace
}  // namespace tesg

// tesg-fuse as a user runs it: folders with good and bad pairs, the single-pair form, outputs
// kept unless --overwrite, SIG caches, baselines and the error paths.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "support.h"
#include "tesg/io/image.h"
#include "tesg/nn/color.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;
const std::string kCheckpoint = std::string(TESG_SOURCE_DIR) + "/models/tesg_cpu_small.pt";

test::CommandResult run_fuse(const std::string& args) { return test::run_command(TESG_FUSE_BIN, args); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class FuseCliTest : public testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "data/ir");
    fs::create_directories(dir / "data/vi");
    torch::manual_seed(0);
    write_pair("a", 23, 37);
    write_pair("b", 29, 41);
    io::write_png(dir / "data/ir/c.png", torch::rand({1, 20, 30}));  // sizes differ
    io::write_png(dir / "data/vi/c.png", torch::rand({3, 20, 31}));
    io::write_png(dir / "data/ir/d.png", torch::rand({1, 20, 30}));  // visible unreadable
    std::ofstream(dir / "data/vi/d.png") << "not a png";
    io::write_png(dir / "data/ir/e.png", torch::rand({1, 20, 30}));  // no visible image
  }
  void write_pair(const std::string& stem, int64_t h, int64_t w) {
    io::write_png(dir / ("data/ir/" + stem + ".png"), torch::rand({1, h, w}));
    io::write_png(dir / ("data/vi/" + stem + ".png"), torch::rand({3, h, w}));
  }
  std::string fuse_args(const std::string& out) const {
    return "--checkpoint " + kCheckpoint + " --data " + dir / "data" + " --out " + dir / out;
  }
  test::TempDir dir;
};

TEST_F(FuseCliTest, GoodPairsAreFusedAtTheirSizeAndBadOnesReported) {
  const auto [code, out] = run_fuse(fuse_args("fused"));
  EXPECT_EQ(code, 1) << out;
  EXPECT_EQ(io::read_image(dir / "fused/a.png").sizes(), (torch::IntArrayRef{3, 23, 37}));
  EXPECT_EQ(io::read_image(dir / "fused/b.png").sizes(), (torch::IntArrayRef{3, 29, 41}));
  EXPECT_FALSE(fs::exists(dir / "fused/c.png"));
  EXPECT_FALSE(fs::exists(dir / "fused/d.png"));
  EXPECT_TRUE(contains(out, "failed: c: ")) << out;
  EXPECT_TRUE(contains(out, "31x20")) << out;
  EXPECT_TRUE(contains(out, "failed: d: ")) << out;
  EXPECT_TRUE(contains(out, "vi/d.png")) << out;
  EXPECT_TRUE(contains(out, "unpaired: ")) << out;
  EXPECT_TRUE(contains(out, "e.png")) << out;
  EXPECT_TRUE(contains(out, "2 of 4 pairs fused, 0 kept")) << out;
  std::ifstream json(dir / "fused/fuse_summary.json");
  const std::string summary((std::istreambuf_iterator<char>(json)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(summary, "\"fused\": 2,")) << summary;
  EXPECT_TRUE(contains(summary, "\"failed\": 2,")) << summary;
  for (const auto& entry : fs::directory_iterator(dir / "fused")) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << "left behind: " << entry.path();
  }
}

TEST_F(FuseCliTest, ExistingOutputsAreKeptUnlessOverwrite) {
  fs::create_directories(dir / "fused");
  const auto sentinel = torch::zeros({3, 23, 37});
  io::write_png(dir / "fused/a.png", sentinel);
  auto [code, out] = run_fuse(fuse_args("fused"));
  EXPECT_TRUE(contains(out, "1 of 4 pairs fused, 1 kept")) << out;
  EXPECT_TRUE(io::read_image(dir / "fused/a.png").equal(torch::zeros({1, 23, 37}))) << "overwritten";
  std::tie(code, out) = run_fuse(fuse_args("fused") + " --overwrite");
  EXPECT_TRUE(contains(out, "2 of 4 pairs fused, 0 kept")) << out;
  EXPECT_GT(io::read_image(dir / "fused/a.png").max().item<float>(), 0);
}

TEST_F(FuseCliTest, SinglePairWritesFusedGrayAndGrid) {
  const auto [code, out] = run_fuse("--checkpoint " + kCheckpoint + " --ir " + dir / "data/ir/b.png" +
                                    " --vi " + dir / "data/vi/b.png" + " --out " + dir / "one/b_fused.png" +
                                    " --gray --grid");
  EXPECT_EQ(code, 0) << out;
  const auto fused = io::read_visible(dir / "one/b_fused.png");
  EXPECT_EQ(fused.sizes(), (torch::IntArrayRef{3, 29, 41}));
  const auto gray = io::read_image(dir / "one/b_fused_gray.png");
  EXPECT_LE((gray - nn::rgb_to_gray(fused.unsqueeze(0))[0]).abs().max().item<float>(), 1.5 / 255);
  EXPECT_TRUE(fs::exists(dir / "one/b_fused_grid.png"));
}

TEST_F(FuseCliTest, GridWritesComparisonsAndAContactSheet) {
  const auto [code, out] = run_fuse(fuse_args("fused") + " --grid --set fuse.grid_height=40");
  EXPECT_EQ(code, 1) << out;
  const auto grid = io::read_visible(dir / "fused/grid/a.png");
  EXPECT_GT(grid.size(1), 40);  // panels plus the label bar
  EXPECT_GT(grid.size(2), 4 * 40);
  EXPECT_TRUE(fs::exists(dir / "fused/contact_sheet.png"));
}

TEST_F(FuseCliTest, BatchedFusionMatchesOneByOne) {
  write_pair("f", 23, 37);  // same size as a: one batch of two
  run_fuse(fuse_args("one"));
  run_fuse(fuse_args("two") + " --batch 2");
  for (const auto* stem : {"a", "b", "f"}) {
    const auto one = io::read_image(dir / ("one/" + std::string(stem) + ".png"));
    const auto two = io::read_image(dir / ("two/" + std::string(stem) + ".png"));
    EXPECT_LE((one - two).abs().max().item<float>(), 1.5 / 255) << stem;
  }
}

TEST_F(FuseCliTest, SigCacheIsUsedAndABackendMismatchWarned) {
  const auto [sig_code, sig_out] =
      test::run_command(TESG_SIG_BIN, "--data " + dir / "data" + " --out " + dir / "cache --set sig.masker=none");
  ASSERT_TRUE(fs::exists(dir / "cache/masks/a.png")) << sig_out;
  const auto [code, out] = run_fuse(fuse_args("cached") + " --sig-cache " + dir / "cache");
  EXPECT_TRUE(contains(out, "SIG backends differ: the checkpoint was trained with 'masker=saliency(")) << out;
  EXPECT_TRUE(contains(out, "fusing with 'masker=none")) << out;
  run_fuse(fuse_args("fly") + " --sig masker=none");
  EXPECT_TRUE(io::read_image(dir / "cached/a.png").equal(io::read_image(dir / "fly/a.png")));
}

TEST_F(FuseCliTest, BaselineFusesTheLuma) {
  const auto [code, out] = run_fuse("--baseline max --data " + dir / "data" + " --out " + dir / "max");
  EXPECT_EQ(code, 1) << out;  // the bad pairs
  const auto fused = io::read_visible(dir / "max/a.png").unsqueeze(0);
  const auto vi = io::read_visible(dir / "data/vi/a.png").unsqueeze(0);
  const auto ir = io::read_infrared(dir / "data/ir/a.png").unsqueeze(0);
  const auto expected = torch::max(nn::rgb_to_gray(vi), ir);
  EXPECT_LE((nn::rgb_to_gray(fused) - expected).abs().max().item<float>(), 1.0 / 255);
}

TEST_F(FuseCliTest, UsageAndInputErrorsNameTheProblem) {
  auto expect_error = [](const std::string& args, const std::string& message) {
    const auto [code, out] = run_fuse(args);
    EXPECT_EQ(code, 2) << args << "\n" << out;
    EXPECT_TRUE(contains(out, message)) << args << "\n" << out;
  };
  expect_error("--checkpoint " + kCheckpoint + " --out " + dir / "x",
               "give either --data DIR or both --ir FILE and --vi FILE");
  expect_error("--checkpoint " + kCheckpoint + " --baseline avg --data " + dir / "data" + " --out " + dir / "x",
               "give either --checkpoint PATH or --baseline avg|max|edge_guided");
  expect_error("--checkpoint " + dir / "data/ir/a.png" + " --data " + dir / "data" + " --out " + dir / "x",
               dir / "data/ir/a.png");
  expect_error("--checkpoint " + kCheckpoint + " --data " + dir / "nowhere" + " --out " + dir / "x", "nowhere");
  expect_error("--checkpoint " + kCheckpoint + " --ir " + dir / "data/ir/a.png" + " --vi " +
                   dir / "data/vi/a.png" + " --out " + dir / "x.jpg",
               "must end in .png");
  expect_error("--checkpoint " + kCheckpoint + " --data " + dir / "data" + " --out " + dir / "x --sig none",
               "--sig none: name the role");
  expect_error("--checkpoint " + kCheckpoint + " --data " + dir / "data" + " --out " + dir / "x --set fuse.batchh=2",
               "did you mean fuse.batch?");
  expect_error("--checkpoint " + kCheckpoint + " --data " + dir / "data", "--out is required");
  expect_error("--info " + dir / "data/ir/a.png", dir / "data/ir/a.png");
}

TEST_F(FuseCliTest, InfoPrintsWhereEachBundledCheckpointComesFrom) {
  for (const std::string name : {"tesg_cpu_small", "tesg_cpu_edge_guided"}) {
    for (const std::string file : {name + ".pt", name + "_last.pt"}) {
      const auto [code, out] = run_fuse("--info " + std::string(TESG_SOURCE_DIR) + "/models/" + file);
      EXPECT_EQ(code, 0) << file << "\n" << out;
      for (const std::string part : {"kind: ", "trained: ", "provenance: recorded afterwards", "data: ",
                                     " pairs, list hash ", "git commit: ", "LibTorch ", "training time: ",
                                     "config:\nmodel:"}) {
        EXPECT_TRUE(contains(out, part)) << file << ": " << part << "\n" << out;
      }
    }
  }
}

}  // namespace
}  // namespace tesg

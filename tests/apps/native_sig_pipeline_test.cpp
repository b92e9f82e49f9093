// The native SIG backends end to end on the fixture models: tesg-sig (BLIP captions, DiffEdit
// masks, CLIP text) writes a cache, tesg-train trains on it and tesg-fuse fuses with it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "../sig/sig_fixtures.h"
#include "support.h"
#include "tesg/io/image.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

class NativeSigPipelineTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(test::sig_fixtures())) GTEST_SKIP() << "no SIG fixtures at " << test::sig_fixtures();
    const auto f = test::sig_fixtures();
    fs::create_directories(dir / "sd");
    for (const auto& [name, target] : std::vector<std::pair<std::string, std::string>>{
             {"unet", "unet"}, {"vae", "vae"}, {"text_encoder", "clip_text"}, {"scheduler", "ddim"}}) {
      fs::create_directory_symlink(f + "/" + target, dir / ("sd/" + name));
    }
    fs::create_directories(dir / "data/ir");
    fs::create_directories(dir / "data/vi");
    torch::manual_seed(0);
    for (const auto* stem : {"a", "b"}) {
      io::write_png(dir / (std::string("data/ir/") + stem + ".png"), torch::rand({1, 30, 42}));
      io::write_png(dir / (std::string("data/vi/") + stem + ".png"), torch::rand({3, 30, 42}));
    }
    std::ofstream(dir / "captions.tsv") << "a\ta man crossing a street\nb\tan empty road at night\n";
    // Same SIG settings for tesg-sig and tesg-train (the cache's fingerprint must match).
    std::ofstream(dir / "c.yaml")
        << "model: {channels: 8, heads: 2, blocks: 1, text_dim: " << text_width()
        << ", text_attn_dim: 8, text_heads: 2}\n"
           "data: {crop: 24, train: [" << dir / "data" << "], val: " << dir / "data" << "}\n"
           "train: {epochs: 1, batch: 2, val_every: 1, threads: 1}\n"
           "output: {dir: " << dir / "run" << "}\n"
           "sig: {masker: diffedit, captioner: file, text_encoder: clip, captions_file: " << dir / "captions.tsv"
        << ", sd_dir: " << dir / "sd" << ", diffedit_maps: 2, cache: " << dir / "cache" << "}\n";
  }
  // The CLIP text encoder's width: the model's text_dim.
  static int64_t text_width() { return test::fixture_config_int("clip_text", "hidden_size"); }
  test::TempDir dir;
};

TEST_F(NativeSigPipelineTest, CacheFromDiffEditAndClipTrainsAndFuses) {
  auto [code, out] = test::run_command(TESG_SIG_BIN, "--config " + dir / "c.yaml" + " --data " + dir / "data" +
                                                         " --out " + dir / "cache");
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(io::read_image(dir / "cache/masks/a.png").sizes(), (torch::IntArrayRef{1, 30, 42}));
  // No key word in b's caption: an empty mask.
  EXPECT_EQ(io::read_image(dir / "cache/masks/b.png").max().item<float>(), 0);
  torch::Tensor ft;
  torch::load(ft, dir / "cache/text/a.pt");
  EXPECT_EQ(ft.sizes(), (torch::IntArrayRef{77, text_width()}));
  std::tie(code, out) = test::run_command(TESG_TRAIN_BIN, "--config " + dir / "c.yaml");
  ASSERT_EQ(code, 0) << out;
  // Validation ran with the same backends (masks and CLIP text computed once for the val set).
  EXPECT_NE(out.find("validation after epoch 1: vs_max = "), std::string::npos) << out;
  std::tie(code, out) = test::run_command(TESG_FUSE_BIN, "--checkpoint " + dir / "run/model.pt" + " --data " +
                                                             dir / "data" + " --out " + dir / "fused --sig-cache " +
                                                             dir / "cache");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out.find("SIG backends differ"), std::string::npos) << out;
  EXPECT_EQ(io::read_image(dir / "fused/a.png").sizes(), (torch::IntArrayRef{3, 30, 42}));
  // On the fly with the same backends gives the same fused image as the cache.
  std::tie(code, out) = test::run_command(TESG_FUSE_BIN, "--checkpoint " + dir / "run/model.pt" + " --data " +
                                                             dir / "data" + " --out " + dir / "fly");
  EXPECT_EQ(code, 0) << out;
  EXPECT_LE((io::read_image(dir / "fly/a.png") - io::read_image(dir / "fused/a.png")).abs().max().item<float>(),
            1.5 / 255);
}

TEST_F(NativeSigPipelineTest, BlipCaptionsAreRecorded) {
  const auto [code, out] = test::run_command(
      TESG_SIG_BIN, "--data " + dir / "data" + " --out " + dir / "blip --set sig.captioner=blip --set sig.blip_dir=" +
                        test::sig_fixtures() + "/blip --set sig.blip_max_length=8");
  ASSERT_EQ(code, 0) << out;
  std::ifstream in(dir / "blip/captions.jsonl");
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find("\"stem\": \"a\", \"caption\": \"a picture of"), std::string::npos) << line;
}

}  // namespace
}  // namespace tesg

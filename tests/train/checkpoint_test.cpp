#include "tesg/train/checkpoint.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "../nn/model_fixtures.h"
#include "support.h"
#include "tesg/error.h"

namespace tesg::train {
namespace {

using test::random_inputs;
using test::small_model;

void train_steps(nn::TeSG& model, torch::optim::Optimizer& optimizer, const test::Inputs& in,
                 int steps) {
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    model(in.vi, in.ir, in.mask, in.ft).mean().backward();
    optimizer.step();
  }
}

bool same_parameters(const nn::TeSG& a, const nn::TeSG& b) {
  const auto pa = a->parameters(), pb = b->parameters();
  for (size_t i = 0; i < pa.size(); ++i) {
    if (!torch::equal(pa[i], pb[i])) return false;
  }
  return true;
}

TEST(CheckpointTest, WeightsRoundTripExactly) {
  test::TempDir dir;
  nn::TeSG model(small_model());
  CheckpointInfo info;
  info.config_yaml = "model: {channels: 8}\n";
  info.sig_backends = "masker=saliency";
  info.best_value = 0.75;
  info.loss_scale = 4096.0;
  info.loss_scale_good_steps = 17;
  save_checkpoint(dir / "w.pt", *model, nullptr, info);
  nn::TeSG fresh(small_model());
  EXPECT_FALSE(same_parameters(model, fresh));
  const auto loaded = load_checkpoint(dir / "w.pt", *fresh);
  EXPECT_TRUE(same_parameters(model, fresh));
  EXPECT_EQ(loaded.kind, "weights");
  EXPECT_EQ(loaded.config_yaml, info.config_yaml);
  EXPECT_EQ(loaded.sig_backends, "masker=saliency");
  EXPECT_EQ(loaded.best_value, 0.75);
  EXPECT_EQ(loaded.loss_scale, 4096.0);
  EXPECT_EQ(loaded.loss_scale_good_steps, 17);
  EXPECT_EQ(read_checkpoint_info(dir / "w.pt").kind, "weights");
}

TEST(CheckpointTest, ProvenanceIsKeptAndDescribedWithTheRest) {
  test::TempDir dir;
  nn::TeSG model(small_model());
  CheckpointInfo info;
  info.step = 240, info.epoch = 10;
  info.config_yaml = "model: {channels: 8}";
  info.sig_backends = "masker=saliency captioner=none text_encoder=none";
  save_checkpoint(dir / "old.pt", *model, nullptr, info);  // nothing recorded: as before 0.5.0
  EXPECT_TRUE(read_checkpoint_info(dir / "old.pt").provenance.recorded.empty());
  info.provenance = this_build();
  info.provenance.recorded = "by tesg-train";
  info.provenance.data = {{"data/samples", 4, "0123456789abcdef"}};
  info.provenance.train_seconds = 90;
  const auto written = save_checkpoint(dir / "new.pt", *model, nullptr, info);
  const auto back = read_checkpoint_info(dir / "new.pt");
  EXPECT_EQ(describe(written), describe(back));  // what the writer reports is what was written
  EXPECT_EQ(back.provenance.git_commit, this_build().git_commit);
  ASSERT_EQ(back.provenance.data.size(), 1u);
  EXPECT_EQ(back.provenance.data[0].pairs, 4);
  const auto text = describe(back);
  for (const std::string line : {"kind: weights (weights only)\n", "trained: 240 steps, 10 epochs\n",
                                 "SIG backends: masker=saliency captioner=none text_encoder=none\n",
                                 "data: data/samples (4 pairs, list hash 0123456789abcdef)\n",
                                 "training time: 1.5 min\n", "config:\nmodel: {channels: 8}\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in\n" << text;
  }
  EXPECT_NE(describe(read_checkpoint_info(dir / "old.pt")).find("provenance: not recorded"), std::string::npos);
  const auto card = model_card("run7", back);
  EXPECT_EQ(card.rfind("# Model card: run7\n", 0), 0u) << card;
  EXPECT_NE(card.find("```text\n" + text + "```\n"), std::string::npos) << card;
}

TEST(CheckpointTest, ResumedTrainingMatchesUninterruptedTraining) {
  test::TempDir dir;
  const auto in = random_inputs(2, 12, 12);
  torch::manual_seed(1);
  nn::TeSG straight(small_model());
  torch::manual_seed(1);
  nn::TeSG interrupted(small_model());
  torch::optim::AdamW opt_straight(straight->parameters(), torch::optim::AdamWOptions(1e-2));
  torch::optim::AdamW opt_interrupted(interrupted->parameters(), torch::optim::AdamWOptions(1e-2));
  train_steps(straight, opt_straight, in, 5);

  train_steps(interrupted, opt_interrupted, in, 3);
  CheckpointInfo info;
  info.step = 3;
  save_checkpoint(dir / "t.pt", *interrupted, &opt_interrupted, info);
  nn::TeSG resumed(small_model());
  torch::optim::AdamW opt_resumed(resumed->parameters(), torch::optim::AdamWOptions(1e-2));
  EXPECT_EQ(load_checkpoint(dir / "t.pt", *resumed, &opt_resumed).step, 3);
  train_steps(resumed, opt_resumed, in, 2);
  EXPECT_TRUE(same_parameters(straight, resumed));  // AdamW moments restored, not restarted
}

TEST(CheckpointTest, RestoresTorchRandomState) {
  test::TempDir dir;
  nn::TeSG model(small_model());
  torch::optim::AdamW optimizer(model->parameters());
  save_checkpoint(dir / "t.pt", *model, &optimizer, {});
  const auto expected = torch::rand({4});
  load_checkpoint(dir / "t.pt", *model, &optimizer);
  EXPECT_TRUE(torch::equal(torch::rand({4}), expected));
}

TEST(CheckpointTest, RefusesOtherModelConfigurations) {
  test::TempDir dir;
  save_checkpoint(dir / "c8.pt", *nn::TeSG(small_model()), nullptr, {});
  nn::TeSG wider(small_model().channels(16));
  EXPECT_THROW_WITH(load_checkpoint(dir / "c8.pt", *wider), CheckpointError,
                    "has shape [8,3,3,3], the model expects [16,3,3,3]");
  nn::TeSG no_text(small_model().tivr(false));
  EXPECT_THROW_WITH(load_checkpoint(dir / "c8.pt", *no_text), CheckpointError,
                    "unexpected tensor");
  save_checkpoint(dir / "no_text.pt", *no_text, nullptr, {});
  nn::TeSG with_text(small_model());
  EXPECT_THROW_WITH(load_checkpoint(dir / "no_text.pt", *with_text), CheckpointError,
                    "missing tensor");
}

TEST(CheckpointTest, RefusesCorruptTruncatedAndWrongKindFiles) {
  test::TempDir dir;
  nn::TeSG model(small_model());
  torch::optim::AdamW optimizer(model->parameters());
  EXPECT_THROW_WITH(load_checkpoint(dir / "none.pt", *model), CheckpointError,
                    "none.pt: no such file");
  std::ofstream(dir / "junk.pt") << "not a checkpoint";
  EXPECT_THROW_WITH(load_checkpoint(dir / "junk.pt", *model), CheckpointError,
                    "junk.pt: not a readable checkpoint");
  save_checkpoint(dir / "t.pt", *model, &optimizer, {});
  std::filesystem::resize_file(dir / "t.pt", std::filesystem::file_size(dir / "t.pt") / 2);
  EXPECT_THROW_WITH(load_checkpoint(dir / "t.pt", *model), CheckpointError,
                    "not a readable checkpoint");
  save_checkpoint(dir / "w.pt", *model, nullptr, {});
  EXPECT_THROW_WITH(load_checkpoint(dir / "w.pt", *model, &optimizer), CheckpointError,
                    "a weights-only checkpoint cannot resume training");
  torch::serialize::OutputArchive foreign;  // a torch file without tesg metadata
  foreign.write("x", torch::ones({1}));
  foreign.save_to(dir / "foreign.pt");
  EXPECT_THROW_WITH(load_checkpoint(dir / "foreign.pt", *model), CheckpointError,
                    "not a tesg checkpoint");
}

// A flipped byte anywhere in a checkpoint either is refused with our error or, where no byte
// that is read depends on it (zip timestamps, say), changes nothing: never other weights, never
// a crash (LibTorch's reader alone crashed or reserved 4 GiB on such files: fuzz_checkpoint).
TEST(CheckpointTest, EveryCorruptedByteIsRefusedOrChangesNothing) {
  test::TempDir dir;
  nn::TeSG model(small_model());
  save_checkpoint(dir / "w.pt", *model, nullptr, {});
  std::ifstream in(dir / "w.pt", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t positions = 300, stride = good.size() / positions;
  size_t refused = 0;
  for (size_t at = stride / 2; at < good.size(); at += stride) {
    auto bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    std::ofstream(dir / "bad.pt", std::ios::binary) << bad;
    nn::TeSG loaded(small_model());
    try {
      load_checkpoint(dir / "bad.pt", *loaded);
      EXPECT_TRUE(same_parameters(model, loaded)) << "byte " << at << " changed the weights";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.pt: "), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, positions / 2);  // the rest: zip alignment padding, timestamps, versions
}

}  // namespace
}  // namespace tesg::train

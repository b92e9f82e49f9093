#include "tesg/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support.h"
#include "tesg/error.h"

namespace tesg {
namespace {

TEST(ConfigTest, EmptyDocumentGivesDefaults) {
  const auto c = parse_config("", "empty.yaml");
  EXPECT_EQ(c.model.channels, ModelConfig().channels);
  EXPECT_EQ(c.train.epochs, TrainConfig().epochs);
  EXPECT_EQ(c.sig.masker, SigConfig().masker);
}

TEST(ConfigTest, ReadsEverySectionAndType) {
  const auto c = parse_config(
      "model: {channels: 16, heads: 2, mgca: false}\n"
      "loss: {ssim_sigma: 2.0}\n"
      "data: {train: [a, b], crop: 64}\n"
      "train: {lr: 2.0e-4, device: 'cuda:1'}\n"
      "sig: {masker: file}\n"
      "output: {dir: out}\n",
      "x.yaml");
  EXPECT_EQ(c.model.channels, 16);
  EXPECT_EQ(c.model.heads, 2);
  EXPECT_FALSE(c.model.mgca);
  EXPECT_DOUBLE_EQ(c.loss.ssim_sigma, 2.0);
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.data.crop, 64);
  EXPECT_DOUBLE_EQ(c.train.lr, 2e-4);
  EXPECT_EQ(c.train.device, "cuda:1");
  EXPECT_EQ(c.sig.masker, "file");
  EXPECT_EQ(c.output.dir, "out");
}

TEST(ConfigTest, UnknownKeyNamesFileLineKeyAndSuggestion) {
  EXPECT_THROW_WITH(parse_config("model:\n  channels: 8\n  heds: 2\n", "configs/x.yaml"),
                    ConfigError, "configs/x.yaml:3: model.heds: unknown key (did you mean model.heads?)");
}

TEST(ConfigTest, UnknownSectionIsRejected) {
  EXPECT_THROW_WITH(parse_config("trian: {lr: 1}\n", "x.yaml"), ConfigError,
                    "x.yaml:1: trian: unknown key (did you mean train?)");
}

TEST(ConfigTest, WrongTypeNamesExpectedType) {
  EXPECT_THROW_WITH(parse_config("train:\n  lr: 1e-4x\n", "x.yaml"), ConfigError,
                    "x.yaml:2: train.lr: expected a number, got \"1e-4x\"");
  EXPECT_THROW_WITH(parse_config("model: {blocks: 1.5}\n", "x.yaml"), ConfigError,
                    "model.blocks: expected an integer");
  EXPECT_THROW_WITH(parse_config("model: {mgca: maybe}\n", "x.yaml"), ConfigError,
                    "model.mgca: expected true or false");
  EXPECT_THROW_WITH(parse_config("data: {train: a}\n", "x.yaml"), ConfigError,
                    "data.train: expected a list of strings");
  EXPECT_THROW_WITH(parse_config("data: {train: [[a], b]}\n", "x.yaml"), ConfigError,
                    "x.yaml:1: data.train: expected a list of strings");
}

// YAML that parses but that no config check foresees (found by fuzz/fuzz_config).
TEST(ConfigTest, OddYamlStructuresAreConfigErrors) {
  EXPECT_THROW_WITH(parse_config("model: {}\n? [a, b]\n: 1\n", "x.yaml"), ConfigError, "x.yaml:2: invalid config");
  EXPECT_THROW_WITH(parse_config("model: 3\n", "x.yaml", {"model.channels=4"}), ConfigError, "x.yaml");
}

TEST(ConfigTest, OutOfRangeValuesAreRejected) {
  EXPECT_THROW_WITH(parse_config("train: {lr: -1}\n", "x.yaml"), ConfigError,
                    "train.lr: expected a positive number, got \"-1\"");
  EXPECT_THROW_WITH(parse_config("sig: {masker: magic}\n", "x.yaml"), ConfigError,
                    "sig.masker: expected one of saliency | file | diffedit | none");
  EXPECT_THROW_WITH(parse_config("train: {device: gpu}\n", "x.yaml"), ConfigError,
                    "train.device: expected cpu, cuda or cuda:N");
  EXPECT_THROW_WITH(parse_config("model: {base: average}\n", "x.yaml"), ConfigError,
                    "model.base: expected one of none | max | edge_guided | visible");
  EXPECT_THROW_WITH(parse_config("model: {channels: 10, heads: 4}\n", "x.yaml"), ConfigError,
                    "model.heads: 4 must divide model.channels (10)");
  EXPECT_THROW_WITH(parse_config("loss: {task: 0.5}\n", "x.yaml"), ConfigError,
                    "x.yaml: loss.task: a task loss needs loss.task_detector");
  EXPECT_THROW_WITH(parse_config("loss: {task_confident: 0}\n", "x.yaml"), ConfigError,
                    "loss.task_confident: expected a number in (0, 1]");
  EXPECT_THROW_WITH(parse_config("fuse: {video_codec: h264x}\n", "x.yaml"), ConfigError,
                    "fuse.video_codec: expected a FourCC of 4 letters or digits");
  EXPECT_THROW_WITH(parse_config("fuse: {scene_change: 1.5}\n", "x.yaml"), ConfigError,
                    "fuse.scene_change: expected a number in [0, 1]");
  EXPECT_THROW_WITH(parse_config("fuse: {video_flow: slow}\n", "x.yaml"), ConfigError,
                    "fuse.video_flow: expected one of ultrafast | fast | medium");
  EXPECT_EQ(parse_config("fuse: {scene_change: 0, sig_every: 30}\n", "x.yaml").fuse.sig_every, 30);
}

TEST(ConfigTest, OverridesApplyAndAreNamedInErrors) {
  const auto c = parse_config("train: {lr: 1.0e-4}\n", "x.yaml",
                              {"train.lr=3e-4", "model.tivr=false", "data.train=[p, q]"});
  EXPECT_DOUBLE_EQ(c.train.lr, 3e-4);
  EXPECT_FALSE(c.model.tivr);
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"p", "q"}));
  EXPECT_THROW_WITH(parse_config("", "x.yaml", {"train.lr=fast"}), ConfigError,
                    "--set train.lr: train.lr: expected a number, got \"fast\"");
  EXPECT_THROW_WITH(parse_config("", "x.yaml", {"train.epoch=3"}), ConfigError,
                    "did you mean train.epochs?");
  EXPECT_THROW_WITH(parse_config("", "x.yaml", {"lr=3"}), ConfigError,
                    "--set lr=3: expected section.key=value");
}

TEST(ConfigTest, MissingFileIsNamed) {
  EXPECT_THROW_WITH(load_config("/nonexistent/tesg.yaml"), ConfigError,
                    "/nonexistent/tesg.yaml: cannot open config file");
}

TEST(ConfigTest, InvalidYamlNamesLine) {
  EXPECT_THROW_WITH(parse_config("model: {channels: [1\n", "bad.yaml"), ConfigError,
                    "bad.yaml:");
}

TEST(ConfigTest, ToYamlRoundTrips) {
  const auto c = parse_config("model: {channels: 24}\ndata: {train: [a]}\ntrain: {lr: 3.0e-4}\n",
                              "x.yaml");
  const auto again = parse_config(to_yaml(c), "resolved.yaml");
  EXPECT_EQ(to_yaml(again), to_yaml(c));
  EXPECT_EQ(again.model.channels, 24);
  EXPECT_DOUBLE_EQ(again.train.lr, 3e-4);
}

TEST(ConfigTest, ShippedConfigParsesWithEveryKey) {
  const std::string path = std::string(TESG_SOURCE_DIR) + "/configs/tesg_msrs.yaml";
  const auto c = load_config(path);
  EXPECT_EQ(c.model.channels, 48);
  EXPECT_EQ(c.train.epochs, 140);
  EXPECT_FALSE(c.data.train.empty());
  // Every key is written out in the shipped file (it documents the whole schema).
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto resolved = to_yaml(c);
  std::istringstream lines(resolved);
  for (std::string line; std::getline(lines, line);) {
    const auto colon = line.find(':');
    const auto key = line.substr(0, colon);
    EXPECT_NE(text.find(key + ":"), std::string::npos) << "key missing from the shipped config: "
                                                       << key;
  }
}

}  // namespace
}  // namespace tesg

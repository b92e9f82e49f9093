// The safetensors reader and the weight loader: real fixture files and every refusal.
#include "tesg/sig/safetensors.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "sig_fixtures.h"
#include "tesg/error.h"
#include "tesg/sig/weight_loader.h"

namespace tesg::sig {
namespace {

TEST(SafetensorsTest, WrittenTensorsReadBackWithDtypeAndShape) {
  test::TempDir dir;
  const auto a = torch::randn({3, 4}), b = torch::arange(5, torch::kLong);
  test::write_safetensors(dir / "t.safetensors", {{"a", a}, {"b.ids", b}});
  const SafetensorsFile file(dir / "t.safetensors");
  EXPECT_EQ(file.names(), (std::vector<std::string>{"a", "b.ids"}));
  EXPECT_TRUE(file.tensor("a").equal(a));
  EXPECT_EQ(file.tensor("b.ids").scalar_type(), torch::kLong);
  EXPECT_TRUE(file.tensor("b.ids").equal(b));
  EXPECT_THROW_WITH(file.tensor("c"), CheckpointError, "no tensor 'c'");
}

// An int64 tensor at offset 4 is unaligned and copied out; an empty one has nothing to copy
// (found by the fuzzer: memcpy to the null data of an empty tensor).
TEST(SafetensorsTest, UnalignedTensorsAreCopiedOutAlsoWhenEmpty) {
  test::TempDir dir;
  const auto a = torch::ones({1}), ids = torch::arange(3, torch::kLong);
  test::write_safetensors(dir / "t.safetensors", {{"a", a}, {"ids", ids}});
  EXPECT_TRUE(SafetensorsFile(dir / "t.safetensors").tensor("ids").equal(ids));
  test::write_safetensors(dir / "e.safetensors", {{"a", a}, {"empty", torch::zeros({0, 2}, torch::kLong)}});
  const auto empty = SafetensorsFile(dir / "e.safetensors").tensor("empty");
  EXPECT_EQ(empty.sizes(), (torch::IntArrayRef{0, 2}));
  EXPECT_EQ(empty.scalar_type(), torch::kLong);
}

TEST(SafetensorsTest, TruncatedAndMalformedFilesAreRefused) {
  test::TempDir dir;
  const auto a = torch::randn({16});
  test::write_safetensors(dir / "short.safetensors", {{"a", a}}, 100);
  EXPECT_THROW_WITH(SafetensorsFile(dir / "short.safetensors"), CheckpointError, "data offsets outside the file");
  test::write_safetensors(dir / "tiny.safetensors", {{"a", a}}, 5);
  EXPECT_THROW_WITH(SafetensorsFile(dir / "tiny.safetensors"), CheckpointError, "truncated");
  std::ofstream(dir / "junk.safetensors") << std::string(8, '\x10') << "{not json}";
  EXPECT_THROW_WITH(SafetensorsFile(dir / "junk.safetensors"), CheckpointError, "junk.safetensors");
  std::string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
  std::string bytes(8, '\0');
  bytes[0] = static_cast<char>(header.size());
  std::ofstream(dir / "shape.safetensors", std::ios::binary) << bytes << header << std::string(8, '\0');
  EXPECT_THROW_WITH(SafetensorsFile(dir / "shape.safetensors"), CheckpointError, "do not hold its shape");
  // 2^32 x 2^32 x 4 bytes wraps around to 0 bytes in 64 bits (fuzz/fuzz_safetensors).
  header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}";
  bytes[0] = static_cast<char>(header.size());
  std::ofstream(dir / "huge.safetensors", std::ios::binary) << bytes << header;
  EXPECT_THROW_WITH(SafetensorsFile(dir / "huge.safetensors"), CheckpointError, "shape too large");
  EXPECT_THROW_WITH(SafetensorsFile(dir / "none.safetensors"), CheckpointError, "cannot open");
}

TEST(SafetensorsTest, FixtureModelFilesHaveTheListedTensors) {
  TESG_REQUIRE_SIG_FIXTURES();
  const SafetensorsFile file(test::sig_fixtures() + "/clip_text/io.safetensors");
  EXPECT_EQ(file.shape("last_hidden_state").size(), 3u);
  EXPECT_EQ(file.tensor("input_ids").scalar_type(), torch::kLong);
  EXPECT_EQ(file.tensor("input_ids")[0][0].item<int64_t>(), 49406);  // <|startoftext|>
}

TEST(WeightLoaderTest, MissingMismatchedAndUnexpectedTensorsAreReported) {
  test::TempDir dir;
  torch::nn::Linear linear(3, 2);
  test::write_safetensors(dir / "ok.safetensors", {{"weight", torch::ones({2, 3})}, {"bias", torch::zeros({2})}, {"extra", torch::zeros({1})}});
  const auto report = load_weights(*linear, SafetensorsFile(dir / "ok.safetensors"));
  EXPECT_TRUE(linear->weight.equal(torch::ones({2, 3})));
  EXPECT_EQ(report.unexpected, (std::vector<std::string>{"extra"}));
  test::write_safetensors(dir / "missing.safetensors", {{"weight", torch::ones({2, 3})}});
  EXPECT_THROW_WITH(load_weights(*linear, SafetensorsFile(dir / "missing.safetensors")), CheckpointError,
                    "missing tensors: bias");
  test::write_safetensors(dir / "shape.safetensors", {{"weight", torch::ones({3, 3})}, {"bias", torch::zeros({2})}});
  EXPECT_THROW_WITH(load_weights(*linear, SafetensorsFile(dir / "shape.safetensors")), CheckpointError,
                    "weight [3,3] in the file, [2,3] in the model");
  // 1x1-conv-shaped weights of older files fill Linear weights.
  test::write_safetensors(dir / "conv.safetensors", {{"weight", torch::full({2, 3, 1, 1}, 2.0)}, {"bias", torch::zeros({2})}});
  load_weights(*linear, SafetensorsFile(dir / "conv.safetensors"));
  EXPECT_TRUE(linear->weight.equal(torch::full({2, 3}, 2.0)));
}

}  // namespace
}  // namespace tesg::sig

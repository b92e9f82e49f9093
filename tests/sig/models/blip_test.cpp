// BLIP captioning against transformers on the fixture model: preprocessing, image embeddings,
// decoder logits, greedy and beam-search ids and their decoding.
#include "tesg/sig/models/blip.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "../sig_fixtures.h"
#include "tesg/sig/tokenizers.h"

namespace tesg::sig::models {
namespace {

std::vector<int64_t> row(const torch::Tensor& t) {
  const auto c = t.to(torch::kLong).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

class BlipTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(test::sig_fixtures())) GTEST_SKIP() << "no SIG fixtures";
    dir = test::sig_fixtures() + "/blip";
    io = std::make_unique<SafetensorsFile>(dir + "/io.safetensors");
    model = load_blip(dir);
  }
  std::string dir;
  std::unique_ptr<SafetensorsFile> io;
  Blip model{nullptr};
  torch::NoGradGuard no_grad;
};

TEST_F(BlipTest, PreprocessingMatchesTheImageProcessor) {
  for (int k = 0; k < 2; ++k) {
    const auto pixels = blip_pixel_values(io->tensor("images_uint8_hwc." + std::to_string(k)), model->options.image_size);
    test::expect_close(pixels, io->tensor("pixel_values").narrow(0, k, 1), 2e-2, 0, "pixel_values " + std::to_string(k));
  }
}

TEST_F(BlipTest, ImageEmbeddingsAndDecoderLogits) {
  const auto embeds = model->encode_image(io->tensor("pixel_values"));
  test::expect_close(embeds, io->tensor("image_embeds"), 1e-4, 1e-4, "image_embeds");
  test::expect_close(model->decoder_logits(io->tensor("decoder_input_ids"), io->tensor("image_embeds")),
                     io->tensor("decoder_logits"), 1e-4, 1e-4, "decoder_logits");
}

TEST_F(BlipTest, GreedyAndBeamSearchGenerateTheReferenceIds) {
  const auto pixels = io->tensor("pixel_values");
  const auto prompt = row(io->tensor("prompt_input_ids")[0]);
  GenerationOptions g;
  g.max_length = io->tensor("greedy_ids").size(1);  // the reference's max_length (padded rows)
  EXPECT_TRUE(model->generate(pixels, prompt, g).equal(io->tensor("greedy_ids")));
  EXPECT_TRUE(model->generate(pixels, {}, g).equal(io->tensor("greedy_ids_no_prompt")));
  g.beams = 3;
  EXPECT_TRUE(model->generate(pixels, prompt, g).equal(io->tensor("beam3_ids")))
      << model->generate(pixels, prompt, g) << "\n" << io->tensor("beam3_ids");
}

TEST_F(BlipTest, DecodedCaptionsMatch) {
  const BertTokenizer tokenizer(std::string(TESG_SOURCE_DIR) + "/third_party/bert_tokenizer/vocab.txt");
  std::ifstream in(dir + "/decoded.json");
  const auto decoded = nlohmann::json::parse(in);
  for (const auto* key : {"greedy", "beam3"}) {
    const auto ids = io->tensor(std::string(key) + "_ids");
    for (int64_t k = 0; k < ids.size(0); ++k) {
      EXPECT_EQ(tokenizer.decode(row(ids[k])), decoded[key][k].get<std::string>()) << key << " " << k;
    }
  }
  EXPECT_EQ(tokenizer.encode("a picture of"), row(io->tensor("prompt_input_ids")[0]));
}

TEST(BlipPreprocessTest, RealSizeResizeMatchesPil) {
  TESG_REQUIRE_SIG_FIXTURES();
  const SafetensorsFile io(test::sig_fixtures() + "/blip_preprocess/io.safetensors");
  const auto expected = io.tensor("pixel_values");
  const auto pixels = blip_pixel_values(io.tensor("image_uint8_hwc"), expected.size(2));
  test::expect_close(pixels, expected, 2e-2, 0, "pixel_values 384");
  // One 8-bit step is 0.015 after normalisation: most pixels must match exactly.
  EXPECT_GT(((pixels - expected).abs() < 1e-5).to(torch::kFloat).mean().item<float>(), 0.99);
}

}  // namespace
}  // namespace tesg::sig::models

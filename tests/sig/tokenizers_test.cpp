// CLIP BPE and BERT WordPiece against transformers' slow tokenizers on every golden case.
#include "tesg/sig/tokenizers.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "sig_fixtures.h"
#include "tesg/error.h"

namespace tesg::sig {
namespace {

const std::string kThirdParty = std::string(TESG_SOURCE_DIR) + "/third_party";

nlohmann::json goldens() {
  std::ifstream in(test::sig_fixtures() + "/tokenizer_goldens.json");
  return nlohmann::json::parse(in);
}

ClipTokenizer clip() {
  return ClipTokenizer(kThirdParty + "/clip_tokenizer/vocab.json", kThirdParty + "/clip_tokenizer/merges.txt");
}

TEST(ClipTokenizerTest, MatchesTransformersOnEveryCase) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto tokenizer = clip();
  int ftfy_cases = 0;
  const auto all = goldens();
  ASSERT_FALSE(all["cases"].empty());
  for (const auto& c : all["cases"]) {
    const auto text = c["text"].get<std::string>();
    const auto ids = tokenizer.encode(text);
    // ftfy's repairs are not implemented: those cases must match transformers without ftfy.
    EXPECT_EQ(ids, c["clip_input_ids_without_ftfy"].get<std::vector<int64_t>>()) << text;
    if (c["clip_ftfy_matters"].get<bool>()) {
      ++ftfy_cases;
    } else {
      EXPECT_EQ(ids, c["clip_input_ids"].get<std::vector<int64_t>>()) << text;
      auto tokens = c["clip_tokens"].get<std::vector<std::string>>();
      tokens = std::vector<std::string>(tokens.begin() + 1, tokens.end() - 1);  // no specials
      EXPECT_EQ(tokenizer.tokenize(text), tokens) << text;
    }
  }
  // Whatever the fixture set, most cases must be compared with ftfy's output too.
  EXPECT_LT(2 * ftfy_cases, static_cast<int>(all["cases"].size())) << "too few cases without ftfy";
}

TEST(ClipTokenizerTest, TruncatesToSeventySevenWithEndToken) {
  const auto tokenizer = clip();
  std::string text;
  for (int k = 0; k < 100; ++k) text += "cat ";
  const auto ids = tokenizer.encode(text);
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids.front(), ClipTokenizer::kBos);
  EXPECT_EQ(ids[75], 2368);  // "cat</w>"
  EXPECT_EQ(ids[76], ClipTokenizer::kEos);
  EXPECT_EQ(tokenizer.encode("a photo of a cat"),
            (std::vector<int64_t>{49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407, 49407,
                                  49407, 49407, 49407, 49407}));
}

TEST(BertTokenizerTest, MatchesTransformersOnEveryCase) {
  TESG_REQUIRE_SIG_FIXTURES();
  const BertTokenizer tokenizer(kThirdParty + "/bert_tokenizer/vocab.txt");
  const auto all = goldens();
  ASSERT_FALSE(all["cases"].empty());
  for (const auto& c : all["cases"]) {
    const auto text = c["text"].get<std::string>();
    const auto ids = tokenizer.encode(text);
    EXPECT_EQ(ids, c["bert_input_ids"].get<std::vector<int64_t>>()) << text;
    EXPECT_EQ(tokenizer.decode(ids), c["bert_decoded_skip_special"].get<std::string>()) << text;
  }
  EXPECT_EQ(tokenizer.encode("a picture of"), (std::vector<int64_t>{101, 1037, 3861, 1997, 102}));
  EXPECT_EQ(tokenizer.dec(), 30522);
  EXPECT_EQ(tokenizer.vocab_size(), 30524);
}

TEST(TokenizerTest, MissingOrForeignVocabulariesAreRefused) {
  EXPECT_THROW_WITH(BertTokenizer("/nonexistent/vocab.txt"), CheckpointError, "/nonexistent/vocab.txt");
  test::TempDir dir;
  std::ofstream(dir / "vocab.txt") << "hello\nworld\n";
  EXPECT_THROW_WITH(BertTokenizer(dir / "vocab.txt"), CheckpointError, "not a BERT vocabulary");
  std::ofstream(dir / "vocab.json") << "{\"a\": 1}";
  std::ofstream(dir / "merges.txt") << "#version: 0.2\n";
  EXPECT_THROW_WITH(ClipTokenizer(dir / "vocab.json", dir / "merges.txt"), CheckpointError, "not a CLIP BPE vocabulary");
}

}  // namespace
}  // namespace tesg::sig

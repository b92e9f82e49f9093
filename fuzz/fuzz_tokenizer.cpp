// Fuzzes the SIG's text handling with any bytes (invalid UTF-8 included): the CLIP and BERT
// tokenizers on the bundled vocabularies, BERT decoding of any ids, and keyword removal.
#include "fuzz_input.h"
#include "tesg/sig/keyword.h"
#include "tesg/sig/tokenizers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  static const std::string dir = std::string(TESG_SOURCE_DIR) + "/third_party";
  static const sig::ClipTokenizer clip(dir + "/clip_tokenizer/vocab.json", dir + "/clip_tokenizer/merges.txt");
  static const sig::BertTokenizer bert(dir + "/bert_tokenizer/vocab.txt");
  const std::string text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_tesg_errors([&] {
    const auto ids = clip.encode(text);
    fuzz::check(ids.size() == 77 && ids.front() == sig::ClipTokenizer::kBos, "CLIP ids not <bos> ... padded to 77");
  });
  fuzz::expect_only_tesg_errors([&] {
    const auto ids = bert.encode(text);
    fuzz::check(ids.front() == bert.cls() && ids.back() == bert.sep(), "BERT ids not [CLS] ... [SEP]");
    bert.decode(ids);
  });
  fuzz::expect_only_tesg_errors([&] {
    std::vector<int64_t> ids;  // any ids, out-of-vocabulary ones too
    for (size_t i = 0; i + 2 <= size; i += 2) ids.push_back((data[i] << 8 | data[i + 1]) - 256);
    bert.decode(ids);
  });
  fuzz::expect_only_tesg_errors([&] { sig::remove_keyword(text, {"car", "person", "people", "bike"}); });
  return 0;
}

#pragma once
// The two tokenizers of the SIG: CLIP's byte-level BPE (Stable Diffusion's prompt encoder) and
// BERT's uncased WordPiece (BLIP's captioner), as transformers' slow tokenizers behave.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tesg::sig {

/// CLIP BPE from a folder's vocab.json + merges.txt (SD's `tokenizer/`). Text normalisation is
/// transformers' path without ftfy: NFC, control characters dropped, CJK split, lower-case,
/// whitespace collapsed; ftfy's own repairs (mojibake, ligatures, fullwidth forms, curly quotes)
/// are not made.
class ClipTokenizer {
 public:
  ClipTokenizer(const std::string& vocab_json, const std::string& merges_txt);
  static constexpr int64_t kBos = 49406, kEos = 49407;

  /// BPE tokens of `text` without specials or truncation ("a</w>", "photo</w>", ...).
  std::vector<std::string> tokenize(const std::string& text) const;
  /// As Stable Diffusion calls it: <|startoftext|>, at most length - 2 BPE ids, <|endoftext|>,
  /// padded with <|endoftext|> to `length`.
  std::vector<int64_t> encode(const std::string& text, int64_t length = 77) const;

 private:
  std::vector<std::string> bpe(const std::string& word) const;
  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<std::string, int64_t> merge_ranks_;  // "left right" -> rank
};

/// BERT uncased WordPiece (vocab.txt, one token per line = id) plus BLIP's added tokens
/// [DEC] and [ENC] after the vocabulary.
class BertTokenizer {
 public:
  explicit BertTokenizer(const std::string& vocab_txt);
  int64_t cls() const { return id("[CLS]"); }
  int64_t sep() const { return id("[SEP]"); }
  int64_t pad() const { return id("[PAD]"); }
  int64_t dec() const { return id("[DEC]"); }

  std::vector<std::string> tokenize(const std::string& text) const;  ///< no specials
  std::vector<int64_t> encode(const std::string& text) const;        ///< [CLS] ... [SEP]
  /// ids -> text, special tokens skipped, "##" pieces joined, spaces before punctuation cleaned.
  std::string decode(const std::vector<int64_t>& ids) const;
  int64_t id(const std::string& token) const;
  int64_t vocab_size() const { return static_cast<int64_t>(tokens_.size()); }

 private:
  std::vector<std::string> wordpiece(const std::string& word) const;
  std::unordered_map<std::string, int64_t> vocab_;
  std::vector<std::string> tokens_;
};

}  // namespace tesg::sig

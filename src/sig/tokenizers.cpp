#include "tesg/sig/tokenizers.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <limits>
#include <set>

#include "tesg/error.h"
#include "tesg/sig/unicode_text.h"

namespace tesg::sig {
namespace {

using text::to_u32;
using text::to_utf8;

std::ifstream open_or_throw(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CheckpointError(path + ": cannot open the tokenizer file");
  return in;
}

// GPT-2's reversible byte -> printable code point map used by CLIP's BPE.
const std::vector<char32_t>& byte_encoder() {
  static const std::vector<char32_t> table = [] {
    std::vector<char32_t> t(256);
    std::vector<bool> direct(256, false);
    for (int b = '!'; b <= '~'; ++b) direct[b] = true;
    for (int b = 0xA1; b <= 0xAC; ++b) direct[b] = true;
    for (int b = 0xAE; b <= 0xFF; ++b) direct[b] = true;
    int next = 0;
    for (int b = 0; b < 256; ++b) t[b] = direct[b] ? char32_t(b) : char32_t(256 + next++);
    return t;
  }();
  return table;
}

// BasicTokenizer's first steps: drop NUL, U+FFFD and control characters, whitespace -> space,
// CJK ideographs surrounded by spaces.
std::u32string clean_and_split_cjk(const std::u32string& input) {
  std::u32string out;
  for (const char32_t c : input) {
    if (c == 0 || c == 0xFFFD || text::is_control(c)) continue;
    if (text::is_cjk(c)) {
      out += U' ', out += c, out += U' ';
    } else {
      out += text::is_whitespace(c) ? U' ' : c;
    }
  }
  return out;
}

// CLIP's pre-tokenising regex: the two specials, English contractions, letter runs, single
// digits, runs of other non-space characters (matched at each position in this order).
std::vector<std::u32string> clip_pieces(const std::u32string& s) {
  static const std::vector<std::u32string> specials = {U"<|startoftext|>", U"<|endoftext|>"};
  static const std::vector<std::u32string> contractions = {U"'s", U"'t", U"'re", U"'ve", U"'m", U"'ll", U"'d"};
  std::vector<std::u32string> pieces;
  size_t i = 0;
  auto starts_with = [&](const std::u32string& p) { return s.compare(i, p.size(), p) == 0; };
  while (i < s.size()) {
    const char32_t c = s[i];
    size_t n = 0;
    for (const auto* list : {&specials, &contractions}) {
      for (const auto& p : *list) {
        if (n == 0 && starts_with(p)) n = p.size();
      }
    }
    if (n == 0 && text::is_letter(c)) {
      while (i + n < s.size() && text::is_letter(s[i + n])) ++n;
    } else if (n == 0 && text::is_number(c)) {
      n = 1;
    } else if (n == 0 && text::is_whitespace(c)) {
      ++i;
      continue;
    } else if (n == 0) {
      auto other = [](char32_t x) { return !text::is_whitespace(x) && !text::is_letter(x) && !text::is_number(x); };
      while (i + n < s.size() && other(s[i + n])) ++n;
    }
    pieces.push_back(s.substr(i, n));
    i += n;
  }
  return pieces;
}

}  // namespace

ClipTokenizer::ClipTokenizer(const std::string& vocab_json, const std::string& merges_txt) {
  auto in = open_or_throw(vocab_json);
  try {
    nlohmann::json vocab;
    in >> vocab;
    for (const auto& [token, id] : vocab.items()) vocab_[token] = id.get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(vocab_json + ": not a vocabulary JSON: " + e.what());
  }
  auto merges = open_or_throw(merges_txt);
  int64_t rank = 0;
  for (std::string line; std::getline(merges, line);) {
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    merge_ranks_[line] = rank++;
  }
  if (!vocab_.count("<|startoftext|>") || merge_ranks_.empty()) {
    throw CheckpointError(vocab_json + ": not a CLIP BPE vocabulary (no <|startoftext|> or no merges)");
  }
}

std::vector<std::string> ClipTokenizer::bpe(const std::string& word) const {
  // Symbols are UTF-8 strings of byte-encoder code points; the last carries "</w>".
  std::vector<std::string> symbols;
  for (const char32_t c : to_u32(word)) symbols.push_back(to_utf8(std::u32string(1, c)));
  if (symbols.empty()) return {};
  symbols.back() += "</w>";
  while (symbols.size() > 1) {
    int64_t best = std::numeric_limits<int64_t>::max();
    std::string best_pair;
    for (size_t k = 0; k + 1 < symbols.size(); ++k) {
      const auto it = merge_ranks_.find(symbols[k] + " " + symbols[k + 1]);
      if (it != merge_ranks_.end() && it->second < best) best = it->second, best_pair = it->first;
    }
    if (best_pair.empty()) break;
    const auto space = best_pair.find(' ');
    const auto left = best_pair.substr(0, space), right = best_pair.substr(space + 1);
    std::vector<std::string> merged;
    for (size_t k = 0; k < symbols.size(); ++k) {
      if (k + 1 < symbols.size() && symbols[k] == left && symbols[k + 1] == right) {
        merged.push_back(left + right);
        ++k;
      } else {
        merged.push_back(symbols[k]);
      }
    }
    symbols.swap(merged);
  }
  return symbols;
}

std::vector<std::string> ClipTokenizer::tokenize(const std::string& input) const {
  // transformers without ftfy: BasicTokenizer(strip_accents=False, do_split_on_punc=False).
  const auto words = text::split_whitespace(text::nfc(clean_and_split_cjk(to_u32(input))));
  std::u32string joined;
  for (const auto& w : words) joined += (joined.empty() ? U"" : U" ") + text::lower(w);
  std::vector<std::string> tokens;
  for (const auto& piece : clip_pieces(text::lower(joined))) {
    std::u32string mapped;
    for (const unsigned char byte : to_utf8(piece)) mapped += byte_encoder()[byte];
    for (auto& t : bpe(to_utf8(mapped))) tokens.push_back(std::move(t));
  }
  return tokens;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& input, int64_t length) const {
  std::vector<int64_t> ids = {kBos};
  for (const auto& token : tokenize(input)) {
    if (static_cast<int64_t>(ids.size()) >= length - 1) break;
    const auto it = vocab_.find(token);
    ids.push_back(it == vocab_.end() ? kEos : it->second);  // unk is <|endoftext|>
  }
  ids.resize(static_cast<size_t>(length), kEos);
  return ids;
}

BertTokenizer::BertTokenizer(const std::string& vocab_txt) {
  auto in = open_or_throw(vocab_txt);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab_.emplace(line, static_cast<int64_t>(tokens_.size()));
    tokens_.push_back(line);
  }
  for (const auto* added : {"[DEC]", "[ENC]"}) {  // BLIP's added tokens
    if (!vocab_.count(added)) vocab_.emplace(added, static_cast<int64_t>(tokens_.size())), tokens_.push_back(added);
  }
  if (!vocab_.count("[CLS]") || !vocab_.count("[UNK]")) {
    throw CheckpointError(vocab_txt + ": not a BERT vocabulary (no [CLS] or [UNK])");
  }
}

int64_t BertTokenizer::id(const std::string& token) const {
  const auto it = vocab_.find(token);
  return it == vocab_.end() ? vocab_.at("[UNK]") : it->second;
}

std::vector<std::string> BertTokenizer::wordpiece(const std::string& word) const {
  constexpr size_t kMaxChars = 100;
  const auto chars = to_u32(word);
  if (chars.size() > kMaxChars) return {"[UNK]"};
  std::vector<std::string> pieces;
  size_t start = 0;
  while (start < chars.size()) {
    size_t end = chars.size();
    std::string found;
    for (; end > start; --end) {
      const auto candidate = (start > 0 ? "##" : "") + to_utf8(chars.substr(start, end - start));
      if (vocab_.count(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found.empty()) return {"[UNK]"};
    pieces.push_back(found);
    start = end;
  }
  return pieces;
}

std::vector<std::string> BertTokenizer::tokenize(const std::string& input) const {
  std::vector<std::string> tokens;
  for (const auto& word : text::split_whitespace(text::nfc(clean_and_split_cjk(to_u32(input))))) {
    // Lower-case, strip accents (NFD, drop Mn), split on punctuation.
    std::u32string stripped;
    for (const char32_t c : text::nfd(text::lower(word))) {
      if (!text::is_mark_nonspacing(c)) stripped += c;
    }
    std::u32string current;
    auto flush = [&] {
      if (current.empty()) return;
      for (auto& piece : wordpiece(to_utf8(current))) tokens.push_back(std::move(piece));
      current.clear();
    };
    for (const char32_t c : stripped) {
      if (text::is_punctuation(c)) {
        flush();
        current = std::u32string(1, c);
        flush();
      } else {
        current += c;
      }
    }
    flush();
  }
  return tokens;
}

std::vector<int64_t> BertTokenizer::encode(const std::string& input) const {
  std::vector<int64_t> ids = {cls()};
  for (const auto& token : tokenize(input)) ids.push_back(id(token));
  ids.push_back(sep());
  return ids;
}

std::string BertTokenizer::decode(const std::vector<int64_t>& ids) const {
  static const std::set<std::string> specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "[ENC]"};
  std::string out;
  for (const auto id : ids) {
    if (id < 0 || id >= vocab_size()) continue;
    const auto& token = tokens_[static_cast<size_t>(id)];
    if (specials.count(token)) continue;
    if (token.rfind("##", 0) == 0) {
      out += token.substr(2);
    } else {
      out += (out.empty() ? "" : " ") + token;
    }
  }
  // transformers' clean_up_tokenization.
  static const std::vector<std::pair<std::string, std::string>> cleanups = {
      {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
      {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [from, to] : cleanups) {  // one left-to-right pass each, as str.replace
    std::string replaced;
    size_t start = 0;
    for (size_t at; (at = out.find(from, start)) != std::string::npos; start = at + from.size()) {
      replaced += out.substr(start, at - start) + to;
    }
    out = replaced + out.substr(start);
  }
  return out;
}

}  // namespace tesg::sig

#pragma once
// The Unicode text handling the HF tokenizers rely on (Python's str methods and unicodedata),
// on ICU: code points, categories, normalisation, full lower-casing.
#include <string>
#include <vector>

namespace tesg::sig::text {

std::u32string to_u32(const std::string& utf8);
std::string to_utf8(const std::u32string& text);

bool is_letter(char32_t c);       ///< \p{L}
bool is_number(char32_t c);       ///< \p{N}
bool is_whitespace(char32_t c);   ///< Python's str.isspace()
bool is_control(char32_t c);      ///< BERT: category C*, but not \t \n \r
bool is_punctuation(char32_t c);  ///< BERT: ASCII symbols or category P*
bool is_cjk(char32_t c);          ///< BERT's CJK Unified Ideograph blocks
bool is_mark_nonspacing(char32_t c);  ///< category Mn

std::u32string nfc(const std::u32string& text);
std::u32string nfd(const std::u32string& text);
std::u32string lower(const std::u32string& text);  ///< Python's str.lower() (full mapping)

/// Python's str.split(): runs of whitespace separate, none at the ends.
std::vector<std::u32string> split_whitespace(const std::u32string& text);

}  // namespace tesg::sig::text

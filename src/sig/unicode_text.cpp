#include "tesg/sig/unicode_text.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "tesg/error.h"

namespace tesg::sig::text {
namespace {

icu::UnicodeString to_icu(const std::u32string& text) {
  return icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(text.data()),
                                       static_cast<int32_t>(text.size()));
}

std::u32string from_icu(const icu::UnicodeString& text) {
  std::u32string out(static_cast<size_t>(text.countChar32()), U'\0');
  UErrorCode status = U_ZERO_ERROR;
  text.toUTF32(reinterpret_cast<UChar32*>(out.data()), static_cast<int32_t>(out.size()), status);
  return out;
}

std::u32string normalize(const std::u32string& text, bool compose) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* normalizer = compose ? icu::Normalizer2::getNFCInstance(status)
                                   : icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw Error("ICU normaliser unavailable");
  const auto out = normalizer->normalize(to_icu(text), status);
  if (U_FAILURE(status)) throw Error("ICU normalisation failed");
  return from_icu(out);
}

int category(char32_t c) { return u_charType(static_cast<UChar32>(c)); }

}  // namespace

std::u32string to_u32(const std::string& utf8) { return from_icu(icu::UnicodeString::fromUTF8(utf8)); }

std::string to_utf8(const std::u32string& text) {
  std::string out;
  to_icu(text).toUTF8String(out);
  return out;
}

bool is_letter(char32_t c) {
  const int t = category(c);
  return t == U_UPPERCASE_LETTER || t == U_LOWERCASE_LETTER || t == U_TITLECASE_LETTER ||
         t == U_MODIFIER_LETTER || t == U_OTHER_LETTER;
}

bool is_number(char32_t c) {
  const int t = category(c);
  return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

bool is_whitespace(char32_t c) {
  // Python: bidirectional class WS, B or S, or category Zs (includes \x1c-\x1f, \x85).
  if (c == U' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85) return true;
  const auto bidi = u_charDirection(static_cast<UChar32>(c));
  return category(c) == U_SPACE_SEPARATOR || bidi == U_WHITE_SPACE_NEUTRAL || bidi == U_BLOCK_SEPARATOR ||
         bidi == U_SEGMENT_SEPARATOR;
}

bool is_control(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  const int t = category(c);
  return t == U_CONTROL_CHAR || t == U_FORMAT_CHAR || t == U_PRIVATE_USE_CHAR || t == U_SURROGATE ||
         t == U_UNASSIGNED;
}

bool is_punctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
    return true;
  }
  const int t = category(c);
  return t == U_DASH_PUNCTUATION || t == U_START_PUNCTUATION || t == U_END_PUNCTUATION ||
         t == U_CONNECTOR_PUNCTUATION || t == U_OTHER_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
         t == U_FINAL_PUNCTUATION;
}

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_mark_nonspacing(char32_t c) { return category(c) == U_NON_SPACING_MARK; }

std::u32string nfc(const std::u32string& text) { return normalize(text, true); }
std::u32string nfd(const std::u32string& text) { return normalize(text, false); }

std::u32string lower(const std::u32string& text) {
  auto s = to_icu(text);
  s.toLower(icu::Locale::getRoot());
  return from_icu(s);
}

std::vector<std::u32string> split_whitespace(const std::u32string& text) {
  std::vector<std::u32string> out;
  std::u32string current;
  for (const char32_t c : text) {
    if (is_whitespace(c)) {
      if (!current.empty()) out.push_back(current), current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

}  // namespace tesg::sig::text

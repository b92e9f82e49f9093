#include "tesg/sig/keyword.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace tesg::sig {
namespace {

std::string lower_letters(const std::string& word) {
  std::string out;
  for (const char c : word) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace

KeywordSplit remove_keyword(const std::string& caption, const std::vector<std::string>& keywords) {
  std::istringstream words(caption);
  std::vector<std::string> kept;
  KeywordSplit split;
  for (std::string word; words >> word;) {
    const auto bare = lower_letters(word);
    if (split.keyword.empty() &&
        std::find(keywords.begin(), keywords.end(), bare) != keywords.end()) {
      split.keyword = bare;
      continue;
    }
    kept.push_back(word);
  }
  for (const auto& w : kept) {
    split.caption_without_keyword += (split.caption_without_keyword.empty() ? "" : " ") + w;
  }
  if (split.keyword.empty()) split.caption_without_keyword = caption;
  return split;
}

}  // namespace tesg::sig

#pragma once
// Key-object keyword removal of the Semantic Information Generator (Sec. 3.2): the caption T
// without its key-object word V* gives T-hat, whose difference to T localises the object.
#include <string>
#include <vector>

namespace tesg::sig {

struct KeywordSplit {
  std::string keyword;                  ///< V*, "" when the caption names no key object
  std::string caption_without_keyword;  ///< T-hat (= the caption when there is no keyword)
};

/// Finds the first word of `caption` (case-insensitive, ignoring punctuation around it) that is
/// in `keywords` and removes it, collapsing the space it leaves.
KeywordSplit remove_keyword(const std::string& caption, const std::vector<std::string>& keywords);

}  // namespace tesg::sig

#include "tesg/sig/keyword.h"

#include <gtest/gtest.h>

#include "tesg/config.h"

namespace tesg::sig {
namespace {

TEST(KeywordTest, RemovesFirstKeyObjectWord) {
  const auto words = SigConfig().keywords;
  const auto s = remove_keyword("a man walking his dog past a parked car", words);
  EXPECT_EQ(s.keyword, "man");
  EXPECT_EQ(s.caption_without_keyword, "a walking his dog past a parked car");
}

TEST(KeywordTest, IgnoresCaseAndPunctuation) {
  const auto s = remove_keyword("Two People, crossing the road", SigConfig().keywords);
  EXPECT_EQ(s.keyword, "people");
  EXPECT_EQ(s.caption_without_keyword, "Two crossing the road");
}

TEST(KeywordTest, CaptionWithoutKeyObjectIsUnchanged) {
  const auto s = remove_keyword("a dark street at night", SigConfig().keywords);
  EXPECT_EQ(s.keyword, "");
  EXPECT_EQ(s.caption_without_keyword, "a dark street at night");
}

TEST(KeywordTest, WordListIsConfigurable) {
  const auto s = remove_keyword("a dog on a bench", {"dog"});
  EXPECT_EQ(s.keyword, "dog");
  EXPECT_EQ(s.caption_without_keyword, "a on a bench");
}

}  // namespace
}  // namespace tesg::sig

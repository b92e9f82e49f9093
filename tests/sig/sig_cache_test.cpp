#include "tesg/sig/sig_cache.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "support.h"
#include "tesg/error.h"

namespace tesg::sig {
namespace {

TEST(SigCacheTest, MasksAndTextRoundTrip) {
  test::TempDir dir;
  const SigCache cache(dir / "cache", sig_fingerprint(SigConfig()), true);
  const auto mask = (torch::rand({1, 9, 7}) > 0.5).to(torch::kFloat32);
  cache.write_mask("p1", mask);
  EXPECT_TRUE(cache.has_mask("p1"));
  EXPECT_FALSE(cache.has_mask("p2"));
  EXPECT_TRUE(torch::equal(cache.read_mask("p1", 9, 7), mask));
  const auto ft = torch::randn({77, 16});
  cache.write_text("p1", ft);
  EXPECT_TRUE(cache.has_text("p1"));
  // Stored as float16: equal to float16 rounding.
  EXPECT_TRUE(torch::allclose(cache.read_text("p1"), ft, 1e-3, 1e-3));
  EXPECT_EQ(cache.read_text("p1").scalar_type(), torch::kFloat32);
}

TEST(SigCacheTest, ReopensWithSameSettingsAndRefusesOthers) {
  test::TempDir dir;
  SigConfig config;
  SigCache(dir / "cache", sig_fingerprint(config), true).write_mask("a", torch::zeros({1, 2, 2}));
  const SigCache again(dir / "cache", sig_fingerprint(config), false);
  EXPECT_TRUE(again.has_mask("a"));
  config.saliency_threshold_k = 3.0;
  EXPECT_THROW_WITH(SigCache(dir / "cache", sig_fingerprint(config), false), DataError,
                    "threshold_k=3");
  config.masker = "none";
  EXPECT_THROW_WITH(SigCache(dir / "cache", sig_fingerprint(config), false), DataError,
                    "SIG cache made with 'masker=saliency(");
  EXPECT_THROW_WITH(SigCache(dir / "nothing", "x", false), DataError, "not a SIG cache");
}

TEST(SigCacheTest, MissingOrMismatchedEntriesAreNamed) {
  test::TempDir dir;
  const SigCache cache(dir / "cache", "masker=none captioner=none text_encoder=none", true);
  EXPECT_THROW_WITH(cache.read_mask("x", 4, 4), DataError, "no mask for pair 'x'");
  cache.write_mask("x", torch::ones({1, 4, 5}));
  EXPECT_THROW_WITH(cache.read_mask("x", 4, 4), DataError, "mask 5x4 != pair 4x4");
  EXPECT_THROW_WITH(cache.read_text("x"), DataError, "no text semantics for pair 'x'");
  std::ofstream(dir / "cache/text/y.pt") << "garbage";
  EXPECT_THROW_WITH(cache.read_text("y"), DataError, "unreadable text semantics");
}

TEST(SigCacheTest, ManifestThatIsNotAMappingIsNamed) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "cache");
  for (const auto* text : {"just text\n", "[1, 2]\n", "format: [1]\nsettings: {a: b}\n"}) {
    std::ofstream(dir / "cache/manifest.yaml") << text;
    EXPECT_THROW_WITH(read_cache_fingerprint(dir / "cache"), DataError, "manifest.yaml: ");
  }
}

TEST(SigCacheTest, CaptionsAreJsonLines) {
  test::TempDir dir;
  const SigCache cache(dir / "cache", "fp", true);
  cache.write_captions({{"s1", "a man \"here\"", "a \"here\"", "man"}});
  std::ifstream in(dir / "cache/captions.jsonl");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "{\"stem\": \"s1\", \"caption\": \"a man \\\"here\\\"\", "
                  "\"caption_without_keyword\": \"a \\\"here\\\"\", \"keyword\": \"man\", "
                  "\"backends\": \"fp\"}");
}

}  // namespace
}  // namespace tesg::sig

// Fuzzes the SIG cache's text files: manifest.yaml and captions.jsonl (the input holds both,
// split at its first NUL byte), as training and fusion open a cache and read its captions.
#include <torch/torch.h>

#include <filesystem>

#include "fuzz_input.h"
#include "tesg/sig/sig_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const auto dir = fuzz::scratch_dir() + "/cache";
  std::filesystem::create_directories(dir);
  fuzz::write_input("cache/manifest.yaml", input.substr(0, split));
  fuzz::write_input("cache/captions.jsonl", split == std::string::npos ? "" : input.substr(split + 1));
  fuzz::expect_only_tesg_errors([&] {
    const sig::SigCache cache(dir, sig::read_cache_fingerprint(dir), false);
    for (const auto& [stem, record] : cache.read_captions()) fuzz::check(stem == record.stem, "record under another stem");
  });
  return 0;
}

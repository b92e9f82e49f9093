#pragma once
// A Hugging Face / diffusers config.json, read with the library's defaults applied by the
// caller: every architecture size comes from here, none is hard-coded.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tesg::sig {

class HfConfig {
 public:
  /// Reads `path`. Throws CheckpointError naming the file when it is missing or not JSON.
  static HfConfig load(const std::string& path);
  ~HfConfig();
  HfConfig(const HfConfig&);

  bool has(const std::string& key) const;
  /// The nested object `key` (e.g. BLIP's "text_config"); empty when absent.
  HfConfig section(const std::string& key) const;
  /// Values with a default for absent keys; a present key of the wrong type throws
  /// CheckpointError "<file>: <key>: expected ...".
  int64_t integer(const std::string& key, int64_t fallback) const;
  double number(const std::string& key, double fallback) const;
  bool boolean(const std::string& key, bool fallback) const;
  std::string string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> integers(const std::string& key, const std::vector<int64_t>& fallback) const;
  std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& fallback) const;
  /// An architecture size (width, layer or head count, vocabulary): an integer in
  /// 1..kMaxSize, else CheckpointError, so a malformed file never asks for a huge model.
  int64_t size(const std::string& key, int64_t fallback) const;
  /// A non-empty list of sizes (one integer for all is allowed, as diffusers does).
  std::vector<int64_t> sizes(const std::string& key, const std::vector<int64_t>& fallback) const;
  static constexpr int64_t kMaxSize = 1 << 20;
  /// Throws CheckpointError "<file>: <what>: <value> is not a multiple of <divisor>" unless it is.
  void require_multiple(int64_t value, int64_t divisor, const std::string& what) const;
  /// Throws CheckpointError "<file>: <key>: expected lo..hi, got <value>" unless it is in range.
  void require_range(const std::string& key, double value, double lo, double hi) const;
  /// Throws CheckpointError unless `key` is absent or equals one of `supported` (as JSON text).
  void require_one_of(const std::string& key, const std::vector<std::string>& supported) const;
  const std::string& source() const { return source_; }

 private:
  struct Json;
  HfConfig(std::string source, std::unique_ptr<Json> json);
  std::string source_;
  std::unique_ptr<Json> json_;
};

}  // namespace tesg::sig

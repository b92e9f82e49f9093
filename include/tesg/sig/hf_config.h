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

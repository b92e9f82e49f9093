#pragma once
// The on-disk SIG cache that every SIG backend writes and training and fusion read:
//   manifest.yaml          format and the fingerprint of the settings that made it
//   masks/<stem>.png       key-target mask M, 0/255, the pair's size
//   text/<stem>.pt         text semantics Ft [L,D], float16 (only with a text encoder)
//   captions.jsonl         one line per pair: stem, caption, caption without keyword, keyword,
//                          backends
// A cache made with other settings than asked for is refused, so a stale cache is never used.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "tesg/config.h"

namespace tesg::sig {

constexpr int64_t kSigCacheFormat = 1;

/// The settings that decide a cache's content, as one line, e.g.
/// "masker=saliency(blur_sigma=1,threshold_k=2,open=1,close=3,min_area=0.0002) captioner=none
/// text_encoder=none".
std::string sig_fingerprint(const SigConfig& config);

/// The fingerprint recorded in the manifest of the cache in `dir`. Throws DataError when `dir`
/// holds no cache or an unreadable one.
std::string read_cache_fingerprint(const std::string& dir);

struct CaptionRecord {
  std::string stem, caption, caption_without_keyword, keyword;
};

class SigCache {
 public:
  /// Opens the cache in `dir` for `fingerprint`; with `create` a missing cache is started
  /// (folders and manifest). Throws DataError when the folder holds no cache (and `create` is
  /// false) or one made with another fingerprint, naming both.
  SigCache(std::string dir, std::string fingerprint, bool create);

  const std::string& dir() const { return dir_; }
  const std::string& fingerprint() const { return fingerprint_; }
  bool has_mask(const std::string& stem) const;
  void write_mask(const std::string& stem, const torch::Tensor& mask) const;  ///< [1,H,W]
  /// [1,H,W] in {0,1}; DataError when absent or of another size than h x w.
  torch::Tensor read_mask(const std::string& stem, int64_t h, int64_t w) const;
  bool has_text(const std::string& stem) const;
  void write_text(const std::string& stem, const torch::Tensor& ft) const;  ///< [L,D]
  torch::Tensor read_text(const std::string& stem) const;                   ///< [L,D] float32
  /// The records of captions.jsonl by stem (empty when there is none). Throws DataError for a
  /// malformed line.
  std::map<std::string, CaptionRecord> read_captions() const;
  /// Rewrites captions.jsonl with `records` (atomic); the backends go on every line.
  void write_captions(const std::vector<CaptionRecord>& records) const;

 private:
  std::string path(const std::string& sub, const std::string& stem, const std::string& ext) const;
  std::string dir_, fingerprint_;
};

}  // namespace tesg::sig

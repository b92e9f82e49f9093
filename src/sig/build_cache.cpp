#include "tesg/sig/build_cache.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/progress.h"
#include "tesg/sig/keyword.h"
#include "tesg/sig/masker.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::sig {
namespace fs = std::filesystem;
namespace {

// stem -> caption from lines "<stem><TAB><caption>".
std::map<std::string, std::string> read_captions_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("sig.captions_file: cannot open '" + path + "'");
  std::map<std::string, std::string> captions;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) {
      throw DataError(path + ":" + std::to_string(line_number) + ": expected <stem><TAB><caption>");
    }
    captions[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return captions;
}

}  // namespace

void require_weight_free_backends(const SigConfig& c) {
  auto unavailable = [](const std::string& key, const std::string& value) {
    return ConfigError("sig." + key + ": backend '" + value +
                       "' needs the native BLIP / CLIP / Stable Diffusion models, which this "
                       "build does not have yet; use the weight-free backends");
  };
  if (c.masker == "diffedit") throw unavailable("masker", c.masker);
  if (c.captioner == "blip") throw unavailable("captioner", c.captioner);
  if (c.text_encoder == "clip") throw unavailable("text_encoder", c.text_encoder);
  if (c.masker == "file" && !fs::is_directory(c.masks_dir)) {
    throw ConfigError("sig.masks_dir: '" + c.masks_dir + "' is not a folder (masker file)");
  }
}

SigBuildReport build_sig_cache(const SigConfig& config, const std::string& data_dir,
                               const std::string& split, const std::string& cache_dir,
                               bool overwrite) {
  const auto start = std::chrono::steady_clock::now();
  require_weight_free_backends(config);
  const auto captions = config.captioner == "file" ? read_captions_file(config.captions_file)
                                                   : std::map<std::string, std::string>{};
  const auto pairs = data::find_pairs(data_dir, split);
  SigCache cache(cache_dir, sig_fingerprint(config), /*create=*/true);
  SigBuildReport report;
  report.pairs = static_cast<int64_t>(pairs.pairs.size());
  report.dataset_problems = pairs.problems;
  std::vector<CaptionRecord> records;
  Progress progress("SIG pairs", report.pairs);
  for (const auto& pair : pairs.pairs) {
    try {
      if (config.captioner == "file") {
        const auto it = captions.find(pair.stem);
        if (it == captions.end()) {
          throw DataError(config.captions_file + ": no caption for pair '" + pair.stem + "'");
        }
        const auto split_caption = remove_keyword(it->second, config.keywords);
        records.push_back({pair.stem, it->second, split_caption.caption_without_keyword,
                           split_caption.keyword});
      }
      if (cache.has_mask(pair.stem) && !overwrite) {
        ++report.kept;
      } else {
        cache.write_mask(pair.stem, make_mask(config, data::load_pair(pair)));
        ++report.written;
      }
    } catch (const std::exception& e) {
      report.failures.push_back(e.what());
    }
    progress.advance();
  }
  if (config.captioner == "file") cache.write_captions(records);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace tesg::sig

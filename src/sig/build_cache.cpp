#include "tesg/sig/build_cache.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/progress.h"
#include "tesg/sig/pair_sig.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::sig {

SigBuildReport build_sig_cache(const SigConfig& config, const std::string& data_dir,
                               const std::string& split, const std::string& cache_dir,
                               bool overwrite) {
  const auto start = std::chrono::steady_clock::now();
  PairSig sig(config);
  const auto pairs = data::find_pairs(data_dir, split);
  SigCache cache(cache_dir, sig_fingerprint(config), /*create=*/true);
  const auto previous = cache.read_captions();
  SigBuildReport report;
  report.pairs = static_cast<int64_t>(pairs.pairs.size());
  report.dataset_problems = pairs.problems;
  std::vector<CaptionRecord> records;
  const bool with_text = config.text_encoder != "none";
  Progress progress("SIG pairs", report.pairs);
  for (const auto& pair : pairs.pairs) {
    try {
      const bool complete = cache.has_mask(pair.stem) && (!with_text || cache.has_text(pair.stem)) &&
                            (config.captioner != "blip" || previous.count(pair.stem));
      if (complete && !overwrite) {
        records.push_back(config.captioner == "blip" ? previous.at(pair.stem)
                                                     : sig.caption(data::FusionSample{pair.stem, {}, {}, {}, {}}));
        ++report.kept;
      } else {
        auto sample = data::load_pair(pair);
        records.push_back(sig.attach(sample));
        cache.write_mask(pair.stem, sample.mask);
        if (with_text) cache.write_text(pair.stem, sample.ft);
        ++report.written;
        // BLIP captions are slow to remake: keep them on disk if the run stops.
        if (config.captioner == "blip") cache.write_captions(records);
      }
    } catch (const std::exception& e) {
      report.failures.push_back(one_line(e));
    }
    progress.advance();
  }
  if (config.captioner != "none") cache.write_captions(records);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace tesg::sig

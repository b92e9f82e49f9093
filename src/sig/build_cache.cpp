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
        const auto sample = data::load_pair(pair);
        records.push_back(sig.caption(sample));
        cache.write_mask(pair.stem, sig.mask(sample, records.back()));
        if (with_text) cache.write_text(pair.stem, sig.text(records.back()));
        ++report.written;
      }
      if (config.captioner != "none") cache.write_captions(records);  // kept if the run stops
    } catch (const std::exception& e) {
      report.failures.push_back(one_line(e));
    }
    progress.advance();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace tesg::sig

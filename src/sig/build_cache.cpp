#include "tesg/sig/build_cache.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <map>

#include <chrono>
#include <filesystem>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/data/fusion_sample.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/progress.h"
#include "tesg/sig/pair_sig.h"
#include "tesg/sig/sig_cache.h"

namespace tesg::sig {

namespace {

// A rank's records and counts, for rank 0 to merge.
std::string shard_json(const SigBuildReport& report, const std::vector<CaptionRecord>& records) {
  nlohmann::json j = {{"written", report.written}, {"kept", report.kept}, {"failures", report.failures}};
  for (const auto& r : records) j["records"].push_back({r.stem, r.caption, r.caption_without_keyword, r.keyword});
  return j.dump();
}

// Rank 0's report and records, with every rank's added; records in pair order.
void merge_shards(const std::vector<std::string>& shards, const std::vector<data::ImagePair>& pairs,
                  SigBuildReport& report, std::vector<CaptionRecord>& records) {
  report.written = report.kept = 0;
  report.failures.clear();
  records.clear();
  for (const auto& text : shards) {
    const auto j = nlohmann::json::parse(text);
    report.written += j.at("written").get<int64_t>();
    report.kept += j.at("kept").get<int64_t>();
    for (const auto& f : j.at("failures")) report.failures.push_back(f);
    if (!j.contains("records")) continue;
    for (const auto& r : j.at("records")) records.push_back({r.at(0), r.at(1), r.at(2), r.at(3)});
  }
  std::map<std::string, size_t> order;
  for (size_t i = 0; i < pairs.size(); ++i) order[pairs[i].stem] = i;
  std::sort(records.begin(), records.end(),
            [&](const CaptionRecord& a, const CaptionRecord& b) { return order[a.stem] < order[b.stem]; });
  data::sort_in_pair_order(report.failures);
}

}  // namespace

SigBuildReport build_sig_cache(const SigConfig& config, const std::string& data_dir,
                               const std::string& split, const std::string& cache_dir,
                               bool overwrite, cluster::BatchRanks* ranks) {
  const auto start = std::chrono::steady_clock::now();
  PairSig sig(config);
  const auto pairs = data::find_pairs(data_dir, split);
  SigCache cache(cache_dir, sig_fingerprint(config), /*create=*/true);
  const auto previous = cache.read_captions();
  const auto shard = ranks ? ranks->shard() : cluster::Shard{};
  SigBuildReport report;
  report.pairs = static_cast<int64_t>(pairs.pairs.size());
  report.dataset_problems = pairs.problems;
  std::vector<CaptionRecord> records;
  const bool with_text = config.text_encoder != "none";
  Progress progress("SIG pairs", (report.pairs + shard.world - 1 - shard.rank) / shard.world);
  for (size_t index = 0; index < pairs.pairs.size(); ++index) {
    if (!shard.owns(static_cast<int64_t>(index))) continue;
    const auto& pair = pairs.pairs[index];
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
        // BLIP captions are slow to remake: keep them on disk if the run stops (one process:
        // with several, the file is rank 0's to write, at the end).
        if (config.captioner == "blip" && shard.whole()) cache.write_captions(records);
      }
    } catch (const std::exception& e) {
      report.failures.push_back(one_line(e));
    }
    progress.advance();
  }
  if (!shard.whole()) {
    const auto shards = ranks->gather(shard_json(report, records));
    if (!ranks->lead()) return report;
    merge_shards(shards, pairs.pairs, report, records);
  }
  if (config.captioner != "none") cache.write_captions(records);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace tesg::sig

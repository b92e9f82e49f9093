#include "tesg/infer/batch_fusion.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "bounded_queue.h"
#include "tesg/cluster/batch_ranks.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/infer/comparison_grid.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"
#include "tesg/io/json.h"
#include "tesg/nn/color.h"
#include "tesg/progress.h"

namespace tesg::infer {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One pair to fuse and where its files go ("" = not wanted).
struct WorkItem {
  int64_t order = 0;
  data::ImagePair pair;
  std::string out, gray_out, grid_out;
};

struct Loaded {
  const WorkItem* item;
  data::FusionSample sample;
};

struct Fused {
  const WorkItem* item;
  data::FusionSample sample;
  torch::Tensor image;  // [3,H,W]
};

// Failure lines from every thread, reported in pair order.
class Failures {
 public:
  void add(const WorkItem& item, const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_[item.order] = item.pair.stem + ": " + what;
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& [order, line] : lines_) out.push_back(line);
    return out;
  }

 private:
  std::mutex mutex_;
  std::map<int64_t, std::string> lines_;
};

// Pairs of equal size and text length share one forward pass.
bool batchable(const data::FusionSample& a, const data::FusionSample& b) {
  return a.vi.sizes() == b.vi.sizes() && a.ft.defined() == b.ft.defined() &&
         (!a.ft.defined() || a.ft.sizes() == b.ft.sizes());
}

std::vector<std::vector<Loaded*>> group_batchable(std::vector<Loaded>& batch) {
  std::vector<std::vector<Loaded*>> groups;
  for (auto& item : batch) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const std::vector<Loaded*>& g) {
      return batchable(g.front()->sample, item.sample);
    });
    if (it == groups.end()) {
      groups.push_back({&item});
    } else {
      it->push_back(&item);
    }
  }
  return groups;
}

void write_outputs(const Fused& f, const FuseConfig& config, ContactSheet* sheet) {
  if (f.image.sizes() != f.sample.vi.sizes()) {
    throw Error(f.item->out + ": fused image " + std::to_string(f.image.size(2)) + "x" +
                std::to_string(f.image.size(1)) + " is not the input size");
  }
  // The fused image last: it marks the pair done for a rerun (outputs that exist are kept).
  if (!f.item->gray_out.empty()) io::write_png(f.item->gray_out, nn::rgb_to_gray(f.image.unsqueeze(0)));
  if (!f.item->grid_out.empty()) {
    write_comparison_grid(f.item->grid_out, f.sample, f.image, config.grid_height);
  }
  io::write_png(f.item->out, f.image);
  if (sheet) sheet->add(f.item->order, f.sample, f.image);
}

// Loader threads -> this thread (fusion) -> writer threads. Fills the counts of `summary`.
class Pipeline {
 public:
  Pipeline(const std::vector<WorkItem>& items, const FuseFn& fuse, const SigInputs& sig,
           const FuseConfig& config, ContactSheet* sheet)
      : items_(items), fuse_(fuse), sig_(sig), config_(config), sheet_(sheet),
        loaded_(static_cast<size_t>(2 * config.io_threads + config.batch)),
        fused_(static_cast<size_t>(2 * config.io_threads)),
        progress_("pairs", static_cast<int64_t>(items.size())) {}

  void run(FuseSummary& summary) {
    std::vector<std::thread> threads;
    loaders_left_ = static_cast<int>(config_.io_threads);
    for (int64_t k = 0; k < config_.io_threads; ++k) threads.emplace_back([this] { load(); });
    for (int64_t k = 0; k < config_.io_threads; ++k) threads.emplace_back([this] { write(); });
    for (std::vector<Loaded> batch; next_batch(batch);) {
      for (auto& group : group_batchable(batch)) fuse_group(group);
    }
    fused_.close();
    for (auto& t : threads) t.join();
    summary.fused += written_;
    summary.compute_seconds += compute_seconds_;
    summary.megapixels += megapixels_;
    const auto lines = failures_.lines();
    summary.failures.insert(summary.failures.end(), lines.begin(), lines.end());
  }

 private:
  void load() {
    for (size_t i; (i = next_++) < items_.size();) {
      try {
        auto sample = data::load_pair(items_[i].pair);
        sig_.attach(sample);
        loaded_.push({&items_[i], std::move(sample)});
      } catch (const std::exception& e) {
        failures_.add(items_[i], one_line(e));
        progress_.advance();
      }
    }
    if (--loaders_left_ == 0) loaded_.close();
  }

  void write() {
    while (auto f = fused_.pop()) {
      try {
        write_outputs(*f, config_, sheet_);
        ++written_;
      } catch (const std::exception& e) {
        failures_.add(*f->item, one_line(e));
      }
      progress_.advance();
    }
  }

  bool next_batch(std::vector<Loaded>& batch) {
    batch.clear();
    while (static_cast<int64_t>(batch.size()) < config_.batch) {
      auto item = loaded_.pop();
      if (!item) break;
      batch.push_back(std::move(*item));
    }
    return !batch.empty();
  }

  void fuse_group(const std::vector<Loaded*>& group) {
    try {
      auto stack = [&](torch::Tensor data::FusionSample::*member) {
        std::vector<torch::Tensor> parts;
        for (const auto* l : group) parts.push_back(l->sample.*member);
        return parts.front().defined() ? torch::stack(parts) : torch::Tensor();
      };
      const auto start = Clock::now();
      const auto fused = fuse_(stack(&data::FusionSample::vi), stack(&data::FusionSample::ir),
                               stack(&data::FusionSample::mask), stack(&data::FusionSample::ft));
      compute_seconds_ += seconds_since(start);
      for (size_t k = 0; k < group.size(); ++k) {
        const auto& vi = group[k]->sample.vi;
        megapixels_ += double(vi.size(1) * vi.size(2)) / 1e6;
        fused_.push({group[k]->item, std::move(group[k]->sample), fused[static_cast<int64_t>(k)]});
      }
    } catch (const std::exception& e) {
      for (const auto* l : group) {
        failures_.add(*l->item, one_line(e));
        progress_.advance();
      }
    }
  }

  const std::vector<WorkItem>& items_;
  const FuseFn& fuse_;
  const SigInputs& sig_;
  const FuseConfig& config_;
  ContactSheet* sheet_;
  BoundedQueue<Loaded> loaded_;
  BoundedQueue<Fused> fused_;
  Progress progress_;
  Failures failures_;
  std::atomic<size_t> next_{0};
  std::atomic<int> loaders_left_{0};
  std::atomic<int64_t> written_{0};
  double compute_seconds_ = 0, megapixels_ = 0;  // touched by the fusing thread only
};

std::string sibling(const fs::path& file, const std::string& suffix) {
  return (file.parent_path() / (file.stem().string() + suffix)).string();
}

}  // namespace

FuseSummary fuse_folder(const FuseFn& fuse, const SigInputs& sig, const std::string& data_dir,
                        const std::string& split, const std::string& out_dir,
                        const FuseOutputs& outputs, const FuseConfig& config, cluster::BatchRanks* ranks) {
  const auto start = Clock::now();
  const auto set = data::find_pairs(data_dir, split);
  FuseSummary summary;
  summary.output = out_dir;
  summary.pairs = static_cast<int64_t>(set.pairs.size());
  summary.problems = set.problems;
  const fs::path out(out_dir);
  fs::create_directories(out);
  if (outputs.gray) fs::create_directories(out / "gray");
  if (outputs.grid) fs::create_directories(out / "grid");
  for (const auto& dir : {out, out / "gray", out / "grid"}) io::remove_stale_temp_files(dir.string());
  const auto shard = ranks ? ranks->shard() : cluster::Shard{};
  if (!shard.whole()) summary.pairs = 0;  // counted per shard, added up on rank 0
  std::vector<WorkItem> items;
  for (size_t index = 0; index < set.pairs.size(); ++index) {
    if (!shard.owns(static_cast<int64_t>(index))) continue;
    const auto& pair = set.pairs[index];
    if (!shard.whole()) ++summary.pairs;
    WorkItem item{static_cast<int64_t>(index), pair, (out / (pair.stem + ".png")).string(), "", ""};
    if (fs::exists(item.out) && !outputs.overwrite) {
      ++summary.skipped;
      continue;
    }
    if (outputs.gray) item.gray_out = (out / "gray" / (pair.stem + ".png")).string();
    if (outputs.grid) item.grid_out = (out / "grid" / (pair.stem + ".png")).string();
    items.push_back(item);
  }
  std::unique_ptr<ContactSheet> sheet;
  if (outputs.grid) sheet = std::make_unique<ContactSheet>(config.sheet_row_height, config.sheet_max_pairs);
  Pipeline(items, fuse, sig, config, sheet.get()).run(summary);
  if (!shard.whole()) {
    summary.seconds = seconds_since(start);
    const auto rows = ranks->gather(sheet ? sheet->rows_bytes() : "");
    const auto summaries = ranks->gather(summary_json(summary));
    if (!ranks->lead()) return summary;
    for (size_t r = 1; sheet && r < rows.size(); ++r) sheet->add_rows(rows[r]);
    std::vector<FuseSummary> shards;
    for (const auto& json : summaries) shards.push_back(summary_from_json(json));
    summary = merge_summaries(shards);
  }
  if (sheet && !sheet->empty()) sheet->write((out / "contact_sheet.png").string());
  summary.seconds = seconds_since(start);
  return summary;
}

FuseSummary summary_from_json(const std::string& json) {
  const auto j = nlohmann::json::parse(json);
  FuseSummary s;
  s.method = j.at("method"), s.device = j.at("device"), s.output = j.at("output");
  s.pairs = j.at("pairs"), s.fused = j.at("fused"), s.skipped = j.at("skipped");
  s.seconds = j.at("seconds"), s.compute_seconds = j.at("compute_seconds");
  s.megapixels = j.at("megapixels"), s.peak_rss_mib = j.at("peak_rss_mib"), s.peak_gpu_mib = j.at("peak_gpu_mib");
  s.failures = j.at("failures").get<std::vector<std::string>>();
  s.problems = j.at("unpaired").get<std::vector<std::string>>();
  return s;
}

FuseSummary merge_summaries(const std::vector<FuseSummary>& shards) {
  FuseSummary all = shards.at(0);
  all.pairs = all.fused = all.skipped = 0;
  all.compute_seconds = all.megapixels = 0;
  all.failures.clear();
  for (const auto& s : shards) {
    all.pairs += s.pairs, all.fused += s.fused, all.skipped += s.skipped;
    all.compute_seconds += s.compute_seconds, all.megapixels += s.megapixels;
    all.seconds = std::max(all.seconds, s.seconds);
    all.peak_rss_mib = std::max(all.peak_rss_mib, s.peak_rss_mib);
    all.peak_gpu_mib = std::max(all.peak_gpu_mib, s.peak_gpu_mib);
    all.failures.insert(all.failures.end(), s.failures.begin(), s.failures.end());
  }
  data::sort_in_pair_order(all.failures);
  return all;
}

FuseSummary fuse_pair_files(const FuseFn& fuse, const SigInputs& sig, const std::string& ir,
                            const std::string& vi, const std::string& out_file,
                            const FuseOutputs& outputs, const FuseConfig& config) {
  const auto start = Clock::now();
  const fs::path out(out_file);
  if (out.extension() != ".png") throw ConfigError("--out: '" + out_file + "': the fused file must end in .png");
  FuseSummary summary;
  summary.output = out_file;
  summary.pairs = 1;
  if (fs::exists(out) && !outputs.overwrite) {
    summary.skipped = 1;
  } else {
    if (!out.parent_path().empty()) fs::create_directories(out.parent_path());
    WorkItem item{0, {fs::path(vi).stem().string(), ir, vi}, out_file,
                  outputs.gray ? sibling(out, "_gray.png") : "", outputs.grid ? sibling(out, "_grid.png") : ""};
    Pipeline({item}, fuse, sig, config, nullptr).run(summary);
  }
  summary.seconds = seconds_since(start);
  return summary;
}

std::string summary_json(const FuseSummary& s) {
  auto list = [](const std::vector<std::string>& lines) {
    std::string out = "[";
    for (size_t k = 0; k < lines.size(); ++k) out += (k ? ", " : "") + io::json_string(lines[k]);
    return out + "]";
  };
  using io::json_number;
  using io::json_string;
  return "{\n  \"method\": " + json_string(s.method) + ",\n  \"device\": " + json_string(s.device) +
         ",\n  \"output\": " + json_string(s.output) + ",\n  \"pairs\": " + std::to_string(s.pairs) +
         ",\n  \"fused\": " + std::to_string(s.fused) + ",\n  \"skipped\": " +
         std::to_string(s.skipped) + ",\n  \"failed\": " + std::to_string(s.failures.size()) +
         ",\n  \"seconds\": " + json_number(s.seconds) + ",\n  \"compute_seconds\": " +
         json_number(s.compute_seconds) + ",\n  \"megapixels\": " + json_number(s.megapixels) +
         ",\n  \"images_per_s\": " + json_number(s.images_per_s()) + ",\n  \"ms_per_image\": " +
         json_number(s.ms_per_image()) + ",\n  \"ms_per_megapixel\": " +
         json_number(s.ms_per_megapixel()) + ",\n  \"peak_rss_mib\": " + json_number(s.peak_rss_mib) +
         ",\n  \"peak_gpu_mib\": " + json_number(s.peak_gpu_mib) + ",\n  \"failures\": " + list(s.failures) +
         ",\n  \"unpaired\": " + list(s.problems) + "\n}\n";
}

std::vector<std::string> summary_lines(const FuseSummary& s) {
  std::vector<std::string> lines;
  for (const auto& p : s.problems) lines.push_back("unpaired: " + p);
  for (const auto& f : s.failures) lines.push_back("failed: " + f);
  char text[256];
  std::snprintf(text, sizeof text, "%lld of %lld pairs fused, %lld kept (output exists; --overwrite replaces), %zu failed",
                static_cast<long long>(s.fused), static_cast<long long>(s.pairs),
                static_cast<long long>(s.skipped), s.failures.size());
  lines.emplace_back(text);
  std::snprintf(text, sizeof text,
                "%.1f s on %s: %.2f images/s, %.0f ms per image, %.0f ms per megapixel, peak RSS %.0f MiB",
                s.seconds, s.device.c_str(), s.images_per_s(), s.ms_per_image(), s.ms_per_megapixel(),
                s.peak_rss_mib);
  lines.emplace_back(text);
  if (s.peak_gpu_mib > 0) {
    std::snprintf(text, sizeof text, "peak GPU memory %.0f MiB", s.peak_gpu_mib);
    lines.back() += std::string(", ") + text;
  }
  lines.push_back("outputs: " + s.output);
  return lines;
}

void write_summary_json(const std::string& path, const FuseSummary& summary) {
  io::write_file_atomically(path, summary_json(summary));
}

}  // namespace tesg::infer

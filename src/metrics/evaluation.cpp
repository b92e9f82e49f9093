#include "tesg/metrics/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <thread>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/json.h"
#include "tesg/io/safe_name.h"
#include "tesg/io/table_number.h"
#include "tesg/progress.h"

namespace tesg::metrics {
namespace fs = std::filesystem;
using io::json_number;
using io::json_string;
namespace {

// stem -> image path for one fused folder.
std::map<std::string, std::string> fused_images(const std::string& dir) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": no such folder (fused images)");
  std::vector<std::string> ambiguous;  // the first file of a stem is scored
  return data::images_by_stem(dir, ambiguous);
}

// Scores one fused file against its sources: "" and `values` filled, or the failure line.
std::string score_fused(const std::string& path, const GrayImage& ir, const GrayImage& vi,
                        const std::vector<MetricInfo>& metrics, std::vector<double>& values) {
  GrayImage fused;
  try {
    fused = read_evaluator_gray(path);
  } catch (const std::exception& e) {
    return e.what();  // names the file already
  }
  try {
    values = compute_metrics(fused, ir, vi, metrics);
  } catch (const std::exception& e) {
    return path + ": " + e.what();
  }
  return "";
}


std::string csv_number(double v) { return std::isfinite(v) ? json_number(v) : ""; }

// Index of the best mean per metric, -1 when no method has one.
int best_method(const EvaluationReport& r, size_t k) {
  int best = -1;
  for (size_t i = 0; i < r.methods.size(); ++i) {
    const double v = r.methods[i].mean[k];
    if (std::isnan(v)) continue;
    if (best < 0 || (r.metrics[k].higher_is_better ? v > r.methods[best].mean[k]
                                                   : v < r.methods[best].mean[k])) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace

void summarise(MethodScores& m, size_t metric_count) {
  std::sort(m.images.begin(), m.images.end(),
            [](const ImageScores& a, const ImageScores& b) { return a.stem < b.stem; });
  m.mean.assign(metric_count, std::nan(""));
  m.stddev.assign(metric_count, std::nan(""));
  for (size_t k = 0; k < metric_count; ++k) {
    double sum = 0, sq = 0;
    int64_t n = 0;
    for (const auto& img : m.images) {
      if (std::isnan(img.values[k])) continue;
      sum += img.values[k], sq += img.values[k] * img.values[k], ++n;
    }
    if (n == 0) continue;
    m.mean[k] = sum / static_cast<double>(n);
    m.stddev[k] = std::sqrt(std::max(0.0, sq / static_cast<double>(n) - m.mean[k] * m.mean[k]));
  }
}

bool EvaluationReport::complete() const {
  if (!dataset_problems.empty()) return false;
  for (const auto& m : methods) {
    if (!m.failures.empty() || static_cast<int64_t>(m.images.size()) != pairs) return false;
  }
  return true;
}

FusedFolder parse_fused_folder(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq != std::string::npos) return {arg.substr(0, eq), arg.substr(eq + 1)};
  auto name = fs::path(arg).lexically_normal().filename().string();
  if (name.empty()) name = fs::path(arg).lexically_normal().parent_path().filename().string();
  return {name, arg};
}

std::vector<FusedFolder> parse_fused_folders(const std::vector<std::string>& args) {
  std::vector<FusedFolder> folders;
  for (const auto& arg : args) folders.push_back(parse_fused_folder(arg));
  return folders;
}

namespace {

// A rank's scores for rank 0 to merge; values as their bits (exact, NaN included).
std::string methods_json(const std::vector<MethodScores>& methods) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : methods) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& image : m.images) {
      std::vector<uint64_t> bits(image.values.size());
      std::memcpy(bits.data(), image.values.data(), bits.size() * sizeof(double));
      images.push_back({image.stem, bits});
    }
    j.push_back({{"name", m.name}, {"images", images}, {"failures", m.failures}});
  }
  return j.dump();
}

// Every rank's scores, method by method, in rank 0's method order.
std::vector<MethodScores> merged_methods(const std::vector<std::string>& shards) {
  std::vector<MethodScores> methods;
  for (const auto& text : shards) {
    const auto j = nlohmann::json::parse(text);
    methods.resize(j.size());
    for (size_t m = 0; m < j.size(); ++m) {
      methods[m].name = j[m].at("name");
      for (const auto& f : j[m].at("failures")) methods[m].failures.push_back(f);
      for (const auto& image : j[m].at("images")) {
        const auto bits = image.at(1).get<std::vector<uint64_t>>();
        ImageScores scores{image.at(0), std::vector<double>(bits.size())};
        std::memcpy(scores.values.data(), bits.data(), bits.size() * sizeof(double));
        methods[m].images.push_back(std::move(scores));
      }
    }
  }
  return methods;
}

}  // namespace

EvaluationReport evaluate_folders(const std::string& data_dir,
                                  const std::vector<FusedFolder>& fused,
                                  const EvaluationOptions& options, cluster::BatchRanks* ranks) {
  const auto start = std::chrono::steady_clock::now();
  EvaluationReport report;
  report.metrics = find_metrics(options.metrics);
  const auto pairs = data::find_pairs(data_dir, options.split);
  report.pairs = static_cast<int64_t>(pairs.pairs.size());
  report.dataset_problems = pairs.problems;
  std::vector<std::map<std::string, std::string>> fused_files;
  for (const auto& f : fused) {
    fused_files.push_back(fused_images(f.dir));
    report.methods.push_back({f.name, {}, {}, {}, {}});
  }

  const auto shard = ranks ? ranks->shard() : cluster::Shard{};
  std::vector<size_t> mine;
  for (size_t i = 0; i < pairs.pairs.size(); ++i) {
    if (shard.owns(static_cast<int64_t>(i))) mine.push_back(i);
  }
  std::mutex mutex;
  std::atomic<size_t> next{0};
  Progress progress("evaluated pairs", static_cast<int64_t>(mine.size()));
  auto work = [&] {
    for (size_t k = next++; k < mine.size(); k = next++) {
      const auto& pair = pairs.pairs[mine[k]];
      GrayImage ir, vi;
      std::string source_error;
      try {
        ir = read_evaluator_gray(pair.ir);
        vi = read_evaluator_gray(pair.vi);
      } catch (const std::exception& e) {
        source_error = e.what();
      }
      for (size_t m = 0; m < fused.size(); ++m) {
        std::string failure;
        ImageScores scores{pair.stem, {}};
        const auto file = fused_files[m].find(pair.stem);
        if (!source_error.empty()) {
          failure = source_error;
        } else if (file == fused_files[m].end()) {
          failure = fused[m].dir + ": no fused image for pair '" + pair.stem + "'";
        } else {
          failure = score_fused(file->second, ir, vi, report.metrics, scores.values);
        }
        std::lock_guard<std::mutex> lock(mutex);
        if (failure.empty()) {
          report.methods[m].images.push_back(std::move(scores));
        } else {
          report.methods[m].failures.push_back(failure);
        }
      }
      progress.advance();
    }
  };
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();

  if (!shard.whole()) {
    const auto shards = ranks->gather(methods_json(report.methods));
    if (!ranks->lead()) return report;
    report.methods = merged_methods(shards);
  }
  for (auto& m : report.methods) {
    data::sort_in_pair_order(m.failures);
    summarise(m, report.metrics.size());
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string summary_markdown(const EvaluationReport& r) {
  std::ostringstream s;
  s << "| method | evaluated |";
  for (const auto& m : r.metrics) s << ' ' << m.name << (m.higher_is_better ? " ↑" : " ↓") << " |";
  s << "\n|---|---|";
  for (size_t k = 0; k < r.metrics.size(); ++k) s << "---|";
  s << '\n';
  for (size_t i = 0; i < r.methods.size(); ++i) {
    const auto& m = r.methods[i];
    s << "| " << m.name << " | " << m.images.size() << "/" << r.pairs << " |";
    for (size_t k = 0; k < r.metrics.size(); ++k) {
      const bool bold = best_method(r, k) == static_cast<int>(i) && r.methods.size() > 1;
      const std::string cell = std::isnan(m.mean[k])
                                   ? "n/a"
                                   : io::table_number(m.mean[k]) + " ± " + io::table_number(m.stddev[k]);
      s << ' ' << (bold ? "**" + cell + "**" : cell) << " |";
    }
    s << '\n';
  }
  return s.str();
}

void write_reports(const EvaluationReport& r, const std::string& out_dir) {
  fs::create_directories(out_dir);
  io::remove_stale_temp_files(out_dir);
  const auto path = [&](const std::string& name) { return (fs::path(out_dir) / name).string(); };
  std::string header = "stem";
  for (const auto& m : r.metrics) header += "," + m.name;
  for (const auto& method : r.methods) {
    std::string csv = header + "\n";
    for (const auto& img : method.images) {
      csv += img.stem;
      for (const double v : img.values) csv += "," + csv_number(v);
      csv += "\n";
    }
    io::write_file_atomically(path(io::safe_file_name(method.name) + "_per_image.csv"), csv);
  }
  std::string summary = "method,evaluated,pairs";
  for (const auto& m : r.metrics) summary += "," + m.name + "," + m.name + "_std";
  summary += "\n";
  std::string json = "{\n  \"pairs\": " + std::to_string(r.pairs) + ",\n  \"methods\": [\n";
  for (size_t i = 0; i < r.methods.size(); ++i) {
    const auto& m = r.methods[i];
    summary += m.name + "," + std::to_string(m.images.size()) + "," + std::to_string(r.pairs);
    json += "    {\"name\": " + json_string(m.name) +
            ", \"evaluated\": " + std::to_string(m.images.size()) + ", \"mean\": {";
    std::string stds;
    for (size_t k = 0; k < r.metrics.size(); ++k) {
      summary += "," + csv_number(m.mean[k]) + "," + csv_number(m.stddev[k]);
      const std::string sep = k ? ", " : "";
      json += sep + json_string(r.metrics[k].name) + ": " + json_number(m.mean[k]);
      stds += sep + json_string(r.metrics[k].name) + ": " + json_number(m.stddev[k]);
    }
    json += "}, \"std\": {" + stds + "}, \"failures\": [";
    for (size_t f = 0; f < m.failures.size(); ++f) {
      json += (f ? ", " : "") + json_string(m.failures[f]);
    }
    json += std::string("]}") + (i + 1 < r.methods.size() ? "," : "") + "\n";
    summary += "\n";
  }
  json += "  ]\n}\n";
  io::write_file_atomically(path("summary.csv"), summary);
  io::write_file_atomically(path("summary.json"), json);
  io::write_file_atomically(path("summary.md"), summary_markdown(r));
}

}  // namespace tesg::metrics

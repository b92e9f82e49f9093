#include "tesg/detect/detection_evaluation.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <numeric>
#include <thread>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/detect/detector.h"
#include "tesg/detect/yolo_labels.h"
#include "tesg/error.h"
#include "tesg/io/table_number.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image_decode.h"
#include "tesg/io/safe_name.h"
#include "tesg/progress.h"

namespace tesg::detect {
namespace fs = std::filesystem;
namespace {

// One image to run the detector on.
struct Job {
  size_t row;
  std::string stem, path;
};

RowDetections named(const std::string& name) {
  RowDetections row;
  row.name = name;
  return row;
}

struct Decoded {
  cv::Mat bgr;
  std::string error;
};

std::vector<Decoded> decode_all(const std::vector<Job>& jobs, size_t begin, size_t end, int threads) {
  std::vector<Decoded> out(end - begin);
  std::atomic<size_t> next{begin};
  auto work = [&] {
    for (size_t i = next++; i < end; i = next++) {
      try {
        out[i - begin].bgr = io::decode_image_file(jobs[i].path, cv::IMREAD_COLOR);
      } catch (const std::exception& e) {
        out[i - begin].error = e.what();
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 1; t < std::max(1, threads); ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  return out;
}

// The rows' images per pair: sources first (when asked), then each fused folder.
// Only the pairs of `shard`.
std::vector<Job> list_jobs(const data::PairSet& pairs, const std::vector<metrics::FusedFolder>& fused,
                           const DetectionEvaluationOptions& options, const cluster::Shard& shard,
                           DetectionReport& report) {
  std::vector<data::ImagePair> mine;
  for (size_t i = 0; i < pairs.pairs.size(); ++i) {
    if (shard.owns(static_cast<int64_t>(i))) mine.push_back(pairs.pairs[i]);
  }
  std::vector<Job> jobs;
  if (options.sources) {
    report.rows.push_back(named("infrared"));
    report.rows.push_back(named("visible"));
    for (const auto& p : mine) {
      jobs.push_back({0, p.stem, p.ir});
      jobs.push_back({1, p.stem, p.vi});
    }
  }
  for (const auto& f : fused) {
    const size_t row = report.rows.size();
    report.rows.push_back(named(f.name));
    const auto files = data::images_by_stem(f.dir, report.problems);
    for (const auto& p : mine) {
      const auto it = files.find(p.stem);
      if (it == files.end()) {
        report.rows[row].failures.push_back(f.dir + ": no image for pair '" + p.stem + "'");
      } else {
        jobs.push_back({row, p.stem, it->second});
      }
    }
  }
  return jobs;
}

// Labels of a pair in the pixels of a `w` x `h` image; a missing file is an image without objects.
// Each file is parsed once per image size: every row of a pair (the sources, each fused folder)
// has the pair's size.
struct LabelReader {
  std::string dir;
  const ClassMap& classes;
  std::set<std::string> reported;
  std::vector<std::string>& problems;
  std::vector<std::string>& warnings;
  std::map<std::tuple<std::string, int64_t, int64_t>, std::optional<Objects>> parsed{};  // nullopt: malformed

  // False when the label file is malformed (the image is then skipped in every row).
  bool read(const std::string& stem, int64_t w, int64_t h, Objects& objects) {
    auto [it, first] = parsed.try_emplace({stem, w, h});
    if (first) {
      Objects read_objects;
      if (parse(stem, w, h, read_objects)) it->second = std::move(read_objects);
    }
    if (it->second) objects = *it->second;
    return it->second.has_value();
  }

  bool parse(const std::string& stem, int64_t w, int64_t h, Objects& objects) {
    const auto path = (fs::path(dir) / (stem + ".txt")).string();
    objects.clear();
    if (!fs::exists(path)) {
      if (reported.insert(stem).second)
        warnings.push_back(path + ": no label file, scored as an image without objects");
      return true;
    }
    try {
      objects = read_yolo_labels(path, w, h);
      for (const auto& o : objects) {
        if (!classes.scores_label(o.cls))
          throw DataError(path + ": class " + std::to_string(o.cls) + " is not one of the scored classes");
      }
      return true;
    } catch (const std::exception& e) {
      report(stem, std::string(e.what()) + " (image skipped in every row)");
      return false;
    }
  }

  void report(const std::string& stem, const std::string& line) {
    if (reported.insert(stem).second) problems.push_back(line);
  }
};

void score_rows(DetectionReport& report, const DetectionEvaluationOptions& options) {
  int reference = -1;
  for (size_t m = 0; m < report.rows.size(); ++m) {
    auto& row = report.rows[m];
    row.scores = score_detections(row.matches);
    data::sort_in_pair_order(row.failures);
    if (row.name == options.reference) reference = static_cast<int>(m);
  }
  std::vector<std::vector<const ImageMatches*>> aligned(report.rows.size());
  for (size_t m = 0; m < report.rows.size(); ++m) {
    std::map<std::string, const ImageMatches*> by_stem;
    for (size_t i = 0; i < report.rows[m].stems.size(); ++i)
      by_stem[report.rows[m].stems[i]] = &report.rows[m].matches[i];
    for (const auto& stem : report.stems) {
      const auto it = by_stem.find(stem);
      aligned[m].push_back(it == by_stem.end() ? nullptr : it->second);
    }
  }
  const auto intervals = bootstrap_intervals(aligned, reference, options.bootstrap);
  for (size_t m = 0; m < report.rows.size(); ++m) report.rows[m].intervals = intervals[m];
}

// Each row's results sorted by stem: rows merged from ranks come in rank order.
void sort_rows(DetectionReport& report) {
  for (auto& row : report.rows) {
    if (std::is_sorted(row.stems.begin(), row.stems.end())) continue;  // one process: in order already
    std::vector<size_t> order(row.stems.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return row.stems[a] < row.stems[b]; });
    auto sorted = named(row.name);
    for (const auto k : order) {
      sorted.stems.push_back(row.stems[k]);
      sorted.paths.push_back(row.paths[k]);
      sorted.sizes.push_back(row.sizes[k]);
      sorted.labels.push_back(std::move(row.labels[k]));
      sorted.detections.push_back(std::move(row.detections[k]));
      sorted.matches.push_back(std::move(row.matches[k]));
    }
    sorted.failures = std::move(row.failures);
    row = std::move(sorted);
  }
}

using io::table_number;

std::string with_interval(double v, const Interval& i, bool show) {
  return show ? fmt::format("{:.4f} [{:.3f}, {:.3f}]", v, i.low, i.high) : table_number(v);
}

std::string signed_interval(double v, const Interval& i) {
  return fmt::format("{:+.4f} [{:+.3f}, {:+.3f}]", v, i.low, i.high);
}

const RowDetections* reference_row(const DetectionReport& r) {
  for (const auto& row : r.rows)
    if (row.name == r.reference) return &row;
  return nullptr;
}

}  // namespace

bool DetectionReport::complete() const {
  if (!problems.empty()) return false;
  return std::all_of(rows.begin(), rows.end(), [&](const RowDetections& row) {
    return row.failures.empty() && row.stems.size() == stems.size();
  });
}

namespace {

// A rank's rows (detections and labels, not yet matched) and label problems, for rank 0.
std::string shard_json(const DetectionReport& report, size_t folder_problems) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : report.rows) {
    nlohmann::json detections = nlohmann::json::array(), labels = nlohmann::json::array();
    for (const auto& image : row.detections) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& d : image) list.push_back({d.box.x1, d.box.y1, d.box.x2, d.box.y2, d.score, d.cls});
      detections.push_back(list);
    }
    for (const auto& image : row.labels) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& o : image) list.push_back({o.box.x1, o.box.y1, o.box.x2, o.box.y2, o.cls});
      labels.push_back(list);
    }
    rows.push_back({{"stems", row.stems}, {"paths", row.paths}, {"sizes", row.sizes}, {"detections", detections},
                    {"labels", labels}, {"failures", row.failures}});
  }
  const std::vector<std::string> label_problems(report.problems.begin() + static_cast<std::ptrdiff_t>(folder_problems),
                                                report.problems.end());
  return nlohmann::json{{"rows", rows}, {"problems", label_problems}, {"warnings", report.warnings}}.dump();
}

// Rank 0's report with the other ranks' rows and label problems added (matched here).
void merge_shards(const std::vector<std::string>& shards, DetectionReport& report, size_t folder_problems) {
  report.problems.resize(folder_problems);
  report.warnings.clear();
  for (auto& row : report.rows) row = named(row.name);
  for (const auto& text : shards) {
    const auto j = nlohmann::json::parse(text);
    for (const auto& p : j.at("problems")) report.problems.push_back(p);
    for (const auto& w : j.at("warnings")) report.warnings.push_back(w);
    const auto& rows = j.at("rows");
    for (size_t m = 0; m < report.rows.size(); ++m) {
      auto& row = report.rows[m];
      for (const auto& f : rows[m].at("failures")) row.failures.push_back(f);
      for (size_t i = 0; i < rows[m].at("stems").size(); ++i) {
        row.stems.push_back(rows[m]["stems"][i]);
        row.paths.push_back(rows[m]["paths"][i]);
        row.sizes.push_back(rows[m]["sizes"][i].get<std::array<int64_t, 2>>());
        Detections detections;
        for (const auto& d : rows[m]["detections"][i])
          detections.push_back({{d[0].get<float>(), d[1].get<float>(), d[2].get<float>(), d[3].get<float>()},
                                d[4].get<float>(), d[5].get<int>()});
        Objects labels;
        for (const auto& o : rows[m]["labels"][i])
          labels.push_back({{o[0].get<float>(), o[1].get<float>(), o[2].get<float>(), o[3].get<float>()}, o[4].get<int>()});
        row.matches.push_back(match_image(detections, labels));
        row.detections.push_back(std::move(detections));
        row.labels.push_back(std::move(labels));
      }
    }
  }
}

}  // namespace

DetectionReport evaluate_detection(Detector& detector, const ClassMap& classes, const std::string& data_dir,
                                   const std::vector<metrics::FusedFolder>& fused,
                                   const DetectionEvaluationOptions& options, cluster::BatchRanks* ranks) {
  const auto start = std::chrono::steady_clock::now();
  if (!fs::is_directory(options.labels_dir)) throw DataError(options.labels_dir + ": no such folder (labels)");
  DetectionReport report;
  report.classes = classes;
  report.reference = options.reference;
  report.bootstrap = options.bootstrap;
  report.input_w = detector.info().input_w, report.input_h = detector.info().input_h;
  report.nms_iou = detector.nms_iou();
  const auto pairs = data::find_pairs(data_dir, options.split);
  report.problems = pairs.problems;
  for (const auto& p : pairs.pairs) report.stems.push_back(p.stem);
  const auto shard = ranks ? ranks->shard() : cluster::Shard{};
  const auto jobs = list_jobs(pairs, fused, options, shard, report);
  const size_t folder_problems = report.problems.size();  // the same on every rank
  if (!options.reference.empty() &&
      std::none_of(report.rows.begin(), report.rows.end(), [&](const auto& r) { return r.name == options.reference; }))
    throw Error("--reference " + options.reference + ": no row of that name");

  detector.keep_classes(classes.detector_ids());
  LabelReader labels{options.labels_dir, classes, {}, report.problems, report.warnings};
  Progress progress("detected images", static_cast<int64_t>(jobs.size()));
  const size_t batch = static_cast<size_t>(std::max<int64_t>(1, options.batch));
  double detect_seconds = 0;
  int64_t detected = 0;
  auto decoding = std::async(std::launch::async, decode_all, std::cref(jobs), 0, std::min(batch, jobs.size()),
                             options.io_threads);
  for (size_t begin = 0; begin < jobs.size(); begin += batch) {
    const size_t end = std::min(begin + batch, jobs.size());
    auto decoded = decoding.get();
    if (end < jobs.size())  // decode the next batch while this one is detected
      decoding = std::async(std::launch::async, decode_all, std::cref(jobs), end,
                            std::min(end + batch, jobs.size()), options.io_threads);
    std::vector<cv::Mat> images;
    std::vector<size_t> index;
    for (size_t k = 0; k < decoded.size(); ++k) {
      const auto& job = jobs[begin + k];
      if (!decoded[k].error.empty()) {
        report.rows[job.row].failures.push_back(decoded[k].error);
      } else {
        images.push_back(decoded[k].bgr);
        index.push_back(begin + k);
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto found = images.empty() ? std::vector<Detections>{} : detector.detect(images);
    detect_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    detected += static_cast<int64_t>(images.size());
    for (size_t k = 0; k < images.size(); ++k) {
      const auto& job = jobs[index[k]];
      Objects objects;
      if (!labels.read(job.stem, images[k].cols, images[k].rows, objects)) continue;
      for (auto& d : found[k]) d.cls = classes.label_of(d.cls);
      auto& row = report.rows[job.row];
      row.stems.push_back(job.stem);
      row.paths.push_back(job.path);
      row.sizes.push_back({images[k].cols, images[k].rows});
      row.matches.push_back(match_image(found[k], objects));
      row.labels.push_back(std::move(objects));
      row.detections.push_back(std::move(found[k]));
    }
    progress.advance(static_cast<int64_t>(end - begin));
  }
  if (!shard.whole()) {
    const auto shards = ranks->gather(shard_json(report, folder_problems));
    if (!ranks->lead()) return report;
    merge_shards(shards, report, folder_problems);
  }
  // Label problems and warnings in stem order, however the pairs were shared out.
  data::sort_in_pair_order(report.problems, folder_problems);
  data::sort_in_pair_order(report.warnings);
  sort_rows(report);
  score_rows(report, options);
  report.detect_ms_per_image = detected ? 1000 * detect_seconds / detected : 0;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string detection_markdown(const DetectionReport& r) {
  const auto* ref = reference_row(r);
  const bool ci = r.bootstrap.resamples > 0;
  const int level = static_cast<int>(std::lround(r.bootstrap.level * 100));
  std::ostringstream s;
  s << "| method | images | P | R | mAP@0.5" << (ci ? fmt::format(" [{}% CI]", level) : "") << " | mAP@0.75 | mAP@0.5:0.95"
    << (ci ? fmt::format(" [{}% CI]", level) : "") << " |";
  if (ref) s << " Δ mAP@0.5 vs " << ref->name << " | Δ mAP@0.5:0.95 vs " << ref->name << " |";
  s << "\n|---|---|---|---|---|---|---|" << (ref ? "---|---|" : "") << "\n";
  for (const auto& row : r.rows) {
    const auto& sc = row.scores;
    s << "| " << row.name << " | " << row.stems.size() << "/" << r.stems.size() << " | " << table_number(sc.precision)
      << " | " << table_number(sc.recall) << " | " << with_interval(sc.map50, row.intervals.map50, ci) << " | "
      << table_number(sc.map75) << " | " << with_interval(sc.map50_95, row.intervals.map50_95, ci) << " |";
    if (ref && &row == ref) s << " — | — |";
    else if (ref && ci)
      s << ' ' << signed_interval(sc.map50 - ref->scores.map50, row.intervals.diff_map50) << " | "
        << signed_interval(sc.map50_95 - ref->scores.map50_95, row.intervals.diff_map50_95) << " |";
    else if (ref)
      s << fmt::format(" {:+.4f} | {:+.4f} |", sc.map50 - ref->scores.map50, sc.map50_95 - ref->scores.map50_95);
    s << "\n";
  }
  s << "\n| method | class | labels | detections | P | R | AP@0.5 | AP@0.75 | AP@0.5:0.95 |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& row : r.rows) {
    for (const auto& c : row.scores.classes) {
      s << "| " << row.name << " | " << r.classes.name_of_label(c.cls) << " | " << c.labels << " | "
        << c.predictions << " | " << table_number(c.precision) << " | " << table_number(c.recall) << " | " << table_number(c.ap50())
        << " | " << table_number(c.ap75()) << " | " << table_number(c.ap50_95()) << " |\n";
    }
  }
  return s.str();
}

namespace {

nlohmann::json interval_json(const Interval& i) { return {i.low, i.high}; }

nlohmann::json row_json(const RowDetections& row, const DetectionReport& r) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : row.scores.classes) {
    classes.push_back({{"class", c.cls}, {"name", r.classes.name_of_label(c.cls)}, {"labels", c.labels},
                       {"detections", c.predictions}, {"precision", c.precision}, {"recall", c.recall},
                       {"ap50", c.ap50()}, {"ap75", c.ap75()}, {"ap50_95", c.ap50_95()},
                       {"ap", std::vector<double>(c.ap.begin(), c.ap.end())}});
  }
  const auto& sc = row.scores;
  nlohmann::json j{{"name", row.name}, {"dir", io::safe_file_name(row.name)}, {"images", row.stems.size()},
                   {"stems", row.stems}, {"paths", row.paths}, {"sizes", row.sizes}, {"labels", sc.labels},
                   {"detections", sc.predictions}, {"precision", sc.precision}, {"recall", sc.recall},
                   {"map50", sc.map50}, {"map75", sc.map75}, {"map50_95", sc.map50_95},
                   {"classes", classes}, {"failures", row.failures}};
  if (r.bootstrap.resamples > 0) {
    j["map50_ci"] = interval_json(row.intervals.map50);
    j["map50_95_ci"] = interval_json(row.intervals.map50_95);
    if (const auto* ref = reference_row(r)) {
      j["diff_map50"] = sc.map50 - ref->scores.map50;
      j["diff_map50_95"] = sc.map50_95 - ref->scores.map50_95;
      j["diff_map50_ci"] = interval_json(row.intervals.diff_map50);
      j["diff_map50_95_ci"] = interval_json(row.intervals.diff_map50_95);
    }
  }
  return j;
}

std::string summary_csv(const DetectionReport& r) {
  std::string csv =
      "method,images,labels,detections,precision,recall,map50,map75,map50_95,map50_low,map50_high,"
      "map50_95_low,map50_95_high,diff_map50,diff_map50_low,diff_map50_high,diff_map50_95,"
      "diff_map50_95_low,diff_map50_95_high\n";
  const auto* ref = reference_row(r);
  for (const auto& row : r.rows) {
    const auto& sc = row.scores;
    const auto& iv = row.intervals;
    csv += fmt::format("{},{},{},{},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g}", row.name,
                       row.stems.size(), sc.labels, sc.predictions, sc.precision, sc.recall, sc.map50, sc.map75,
                       sc.map50_95, iv.map50.low, iv.map50.high, iv.map50_95.low, iv.map50_95.high);
    if (ref)
      csv += fmt::format(",{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g}\n", sc.map50 - ref->scores.map50,
                         iv.diff_map50.low, iv.diff_map50.high, sc.map50_95 - ref->scores.map50_95,
                         iv.diff_map50_95.low, iv.diff_map50_95.high);
    else
      csv += ",,,,,,\n";
  }
  return csv;
}

void write_row_files(const RowDetections& row, const std::string& dir) {
  fs::create_directories(fs::path(dir) / "labels");
  io::remove_stale_temp_files((fs::path(dir) / "labels").string());
  std::string csv = "stem,class,conf,x1,y1,x2,y2\n";
  for (size_t i = 0; i < row.stems.size(); ++i) {
    io::write_file_atomically((fs::path(dir) / "labels" / (row.stems[i] + ".txt")).string(),
                              yolo_lines(row.detections[i], row.sizes[i][0], row.sizes[i][1]));
    for (const auto& d : row.detections[i])
      csv += fmt::format("{},{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g}\n", row.stems[i], d.cls, d.score, d.box.x1,
                         d.box.y1, d.box.x2, d.box.y2);
  }
  io::write_file_atomically((fs::path(dir) / "detections.csv").string(), csv);
}

}  // namespace

void write_detection_reports(const DetectionReport& r, const std::string& out_dir) {
  fs::create_directories(out_dir);
  io::remove_stale_temp_files(out_dir);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) {
    rows.push_back(row_json(row, r));
    write_row_files(row, (fs::path(out_dir) / io::safe_file_name(row.name)).string());
  }
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& e : r.classes.entries)
    classes.push_back({{"label_id", e.label_id}, {"name", e.name}, {"detector_id", e.detector_id}});
  const nlohmann::json summary{
      {"detector", r.detector}, {"input", {r.input_w, r.input_h}}, {"iou", r.nms_iou}, {"pairs", r.stems.size()},
      {"classes", classes}, {"reference", r.reference},
      {"bootstrap", {{"resamples", r.bootstrap.resamples}, {"seed", r.bootstrap.seed}, {"level", r.bootstrap.level}}},
      {"rows", rows}, {"problems", r.problems}, {"warnings", r.warnings}, {"seconds", r.seconds},
      {"detect_ms_per_image", r.detect_ms_per_image}};
  const auto path = [&](const std::string& name) { return (fs::path(out_dir) / name).string(); };
  io::write_file_atomically(path("summary.json"), summary.dump(2) + "\n");
  io::write_file_atomically(path("summary.csv"), summary_csv(r));
  io::write_file_atomically(path("summary.md"), detection_markdown(r));
}

}  // namespace tesg::detect

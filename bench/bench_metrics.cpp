// Times the fusion metrics: each metric on one 640x480 MSRS triple (1 thread), and all
// metrics on every pair of a dataset split with 1 thread and with all threads. The fused image
// is the per-pixel maximum of the two sources (a stand-in: metric cost does not depend on it).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include <torch/torch.h>

#include "tesg/data/pair_discovery.h"
#include "tesg/io/image.h"
#include "tesg/metrics/evaluation.h"
#include "tesg/metrics/fusion_metrics.h"
#include "tesg/runtime.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

tesg::metrics::GrayImage max_fusion(const tesg::metrics::GrayImage& a,
                                    const tesg::metrics::GrayImage& b) {
  auto f = a;
  for (size_t i = 0; i < f.pixels.size(); ++i) f.pixels[i] = std::max(a.pixels[i], b.pixels[i]);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_metrics: fusion metric timings"};
  std::string data = "../shared/data/MSRS/test";
  int repeat = 5;
  app.add_option("--data", data, "dataset split (ir/ + vi/)");
  app.add_option("--repeat", repeat, "timed runs per metric on the single triple");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging("warn");
  namespace m = tesg::metrics;

  const auto pairs = tesg::data::find_pairs(data);
  const auto ir = m::read_evaluator_gray(pairs.pairs.at(0).ir);
  const auto vi = m::read_evaluator_gray(pairs.pairs.at(0).vi);
  const auto fused = max_fusion(ir, vi);
  std::cout << "one triple " << ir.width << "x" << ir.height << " (" << pairs.pairs[0].stem
            << "), 1 thread, mean of " << repeat << " runs\n\n| metric | ms |\n|---|---|\n";
  double total = 0;
  for (const auto& metric : m::find_metrics(m::default_metric_names())) {
    const auto start = Clock::now();
    for (int i = 0; i < repeat; ++i) m::compute_metrics(fused, ir, vi, {metric});
    const double ms = ms_since(start) / repeat;
    total += ms;
    std::cout << "| " << metric.name << " | " << ms << " |\n";
  }
  const auto all = m::find_metrics(m::default_metric_names());
  auto start = Clock::now();
  for (int i = 0; i < repeat; ++i) m::compute_metrics(fused, ir, vi, all);
  std::cout << "| sum of the above | " << total << " |\n| all 13 together (shared work) | "
            << ms_since(start) / repeat << " |\n";

  // A whole split through the evaluation library (reads images, as tesg-eval does).
  const auto dir = std::filesystem::temp_directory_path() / "tesg_bench_metrics_fused";
  std::filesystem::create_directories(dir);
  for (const auto& p : pairs.pairs) {
    const auto f = max_fusion(m::read_evaluator_gray(p.ir), m::read_evaluator_gray(p.vi));
    const auto t = torch::from_blob(const_cast<uint8_t*>(f.pixels.data()),
                                    {1, f.height, f.width}, torch::kUInt8)
                       .to(torch::kFloat32)
                       .div(255);
    tesg::io::write_png((dir / (p.stem + ".png")).string(), t);
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::cout << "\n| split | pairs | threads | s | ms per pair |\n|---|---|---|---|---|\n";
  for (const int threads : {1, cores}) {
    m::EvaluationOptions options;
    options.threads = threads;
    const auto report = m::evaluate_folders(data, {{"max", dir.string()}}, options);
    std::cout << "| " << data << " | " << report.pairs << " | " << threads << " | "
              << report.seconds << " | " << 1000 * report.seconds / report.pairs << " |\n";
  }
  std::filesystem::remove_all(dir);
  return 0;
}

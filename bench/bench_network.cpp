// Times the TeSG network: no-grad forward at 640x480 (MSRS) and 1280x1024 (LLVIP), and one
// training step (forward + backward + AdamW) at batch 8, 96x96 crops. Prints a Markdown table
// with the peak resident memory of each workload.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "tesg/config.h"
#include "tesg/model_factory.h"
#include "tesg/nn/fusion_loss.h"
#include "tesg/nn/tesg.h"
#include "tesg/runtime.h"

namespace {

// Linux: reset the process's peak RSS (VmHWM), so each workload reports its own peak.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Timing {
  double ms;
  double rss_mib;
};

Timing time_workload(int warmup, int repeat, const std::function<void()>& run) {
  reset_peak_rss();
  for (int i = 0; i < warmup; ++i) run();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) run();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  return {elapsed.count() / repeat, peak_rss_mib()};
}

Timing forward(tesg::nn::TeSG& model, int64_t h, int64_t w, int repeat) {
  torch::NoGradGuard no_grad;
  const auto vi = torch::rand({1, 3, h, w}), ir = torch::rand({1, 1, h, w});
  const auto mask = (torch::rand({1, 1, h, w}) > 0.5).to(torch::kFloat32);
  return time_workload(1, repeat, [&] { model(vi, ir, mask, torch::Tensor()); });
}

Timing train_step(tesg::nn::TeSG& model, int64_t batch, int64_t crop, int repeat) {
  const auto vi = torch::rand({batch, 3, crop, crop}), ir = torch::rand({batch, 1, crop, crop});
  const auto mask = (torch::rand({batch, 1, crop, crop}) > 0.5).to(torch::kFloat32);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const auto loss_options = tesg::loss_options(tesg::LossConfig());
  return time_workload(1, repeat, [&] {
    optimizer.zero_grad();
    tesg::nn::fusion_loss(model(vi, ir, mask, torch::Tensor()), vi, ir, loss_options)
        .total.backward();
    optimizer.step();
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_network: TeSG forward and training-step time and peak memory"};
  int threads = 0, repeat = 3;
  std::vector<std::string> overrides;
  bool skip_large = false;
  app.add_option("--threads", threads, "intra-op threads (0 = all cores)");
  app.add_option("--repeat", repeat, "timed runs per workload (after one warm-up)");
  app.add_option("--set", overrides, "config override, e.g. model.channels=24");
  app.add_flag("--skip-large", skip_large, "skip the 1280x1024 forward");
  CLI11_PARSE(app, argc, argv);

  const auto config = tesg::parse_config("", "defaults", overrides);
  const int used_threads = tesg::configure_threads(threads);
  torch::manual_seed(0);
  tesg::nn::TeSG model(tesg::model_options(config.model));
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();

  std::cout << "TeSG C=" << config.model.channels << " blocks=" << config.model.blocks << ", "
            << params << " parameters, LibTorch " << TORCH_VERSION << ", CPU, " << used_threads
            << " threads\n\n| workload | ms | peak RSS MiB |\n|---|---|---|\n";
  auto row = [](const std::string& name, const Timing& t) {
    std::cout << "| " << name << " | " << static_cast<int64_t>(t.ms) << " | "
              << static_cast<int64_t>(t.rss_mib) << " |" << std::endl;
  };
  model->eval();
  row("forward 640x480 (no grad)", forward(model, 480, 640, repeat));
  if (!skip_large) row("forward 1280x1024 (no grad)", forward(model, 1024, 1280, 1));
  model->train();
  row("train step B=8 96x96 (fwd+bwd+AdamW)", train_step(model, 8, 96, repeat));
  return 0;
}

// Times the TeSG network: no-grad forward at 640x480 (MSRS) and 1280x1024 (LLVIP), and one
// training step (forward + backward + AdamW) at batch 8, 96x96 crops. Prints a Markdown table
// with the peak resident memory of each workload, each measured in its own child process.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "tesg/config.h"
#include "tesg/model_factory.h"
#include "tesg/nn/fusion_loss.h"
#include "tesg/nn/tesg.h"
#include "tesg/runtime.h"

namespace {

struct Timing {
  double ms;
  double rss_mib;
  int64_t params;
};

int64_t parameter_count(tesg::nn::TeSG& model) {
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  return n;
}

Timing time_workload(int warmup, int repeat, const std::function<void()>& run) {
  for (int i = 0; i < warmup; ++i) run();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) run();
  const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  return {elapsed.count() / repeat, tesg::peak_rss_mib(), 0};
}

Timing forward(tesg::nn::TeSG& model, int64_t h, int64_t w, int repeat) {
  torch::NoGradGuard no_grad;
  const auto vi = torch::rand({1, 3, h, w}), ir = torch::rand({1, 1, h, w});
  const auto mask = (torch::rand({1, 1, h, w}) > 0.5).to(torch::kFloat32);
  auto t = time_workload(1, repeat, [&] { model(vi, ir, mask, torch::Tensor()); });
  t.params = parameter_count(model);
  return t;
}

Timing train_step(tesg::nn::TeSG& model, int64_t batch, int64_t crop, int repeat) {
  const auto vi = torch::rand({batch, 3, crop, crop}), ir = torch::rand({batch, 1, crop, crop});
  const auto mask = (torch::rand({batch, 1, crop, crop}) > 0.5).to(torch::kFloat32);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const auto loss_options = tesg::loss_options(tesg::LossConfig());
  auto t = time_workload(1, repeat, [&] {
    optimizer.zero_grad();
    tesg::nn::fusion_loss(model(vi, ir, mask, torch::Tensor()), vi, ir, loss_options)
        .total.backward();
    optimizer.step();
  });
  t.params = parameter_count(model);
  return t;
}

// Runs `workload` in a forked child so its peak RSS is its own (the parent has run no torch op,
// so no OpenMP pool crosses the fork). Returns {ms, peak MiB}.
Timing in_child(const std::function<Timing()>& workload) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    const Timing t = workload();
    const ssize_t written = ::write(fds[1], &t, sizeof(t));
    ::_exit(written == sizeof(t) ? 0 : 1);
  }
  Timing t{0, 0, 0};
  const ssize_t got = ::read(fds[0], &t, sizeof(t));
  ::waitpid(pid, nullptr, 0);
  ::close(fds[0]), ::close(fds[1]);
  if (got != sizeof(t)) throw std::runtime_error("benchmark child failed");
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_network: TeSG forward and training-step time and peak memory"};
  int threads = 0, repeat = 3;
  std::vector<std::string> overrides;
  std::vector<std::string> workloads = {"fwd640", "fwd1280", "train"};
  app.add_option("--threads", threads, "intra-op threads (0 = all cores)");
  app.add_option("--repeat", repeat, "timed runs per workload (after one warm-up)");
  app.add_option("--set", overrides, "config override, e.g. model.channels=24");
  app.add_option("--workloads", workloads, "any of fwd640 fwd1280 train")->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  const auto config = tesg::parse_config("", "defaults", overrides);
  auto make_model = [&] {
    tesg::configure_threads(threads);
    torch::manual_seed(0);
    return tesg::nn::TeSG(tesg::model_options(config.model));
  };
  // No torch work in this process: children are forked per workload.
  std::cout << "| workload | ms | peak RSS MiB |\n|---|---|---|\n";
  int64_t params = 0;
  for (const auto& w : workloads) {
    Timing t{0, 0, 0};
    std::string name;
    if (w == "fwd640" || w == "fwd1280") {
      const bool large = w == "fwd1280";
      name = large ? "forward 1280x1024 (no grad)" : "forward 640x480 (no grad)";
      t = in_child([&] {
        auto model = make_model();
        model->eval();
        return large ? forward(model, 1024, 1280, 1) : forward(model, 480, 640, repeat);
      });
    } else if (w == "train") {
      name = "train step B=8 96x96 (fwd+bwd+AdamW)";
      t = in_child([&] {
        auto model = make_model();
        return train_step(model, 8, 96, repeat);
      });
    } else {
      std::cerr << "unknown workload " << w << "\n";
      return 2;
    }
    std::cout << "| " << name << " | " << static_cast<int64_t>(t.ms) << " | "
              << static_cast<int64_t>(t.rss_mib) << " |" << std::endl;
    params = t.params;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::cout << "\nTeSG C=" << config.model.channels << " blocks=" << config.model.blocks << ", "
            << params << " parameters, LibTorch " << TORCH_VERSION << ", CPU, "
            << (threads > 0 ? threads : cores) << " threads\n";
  return 0;
}

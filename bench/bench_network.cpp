// Times the TeSG network: no-grad forward at 640x480 (MSRS) and 1280x1024 (LLVIP), and one
// training step (forward + backward + AdamW) at batch 8, 96x96 crops, on the CPU or a GPU, in
// fp32 or mixed precision; `train_task` adds the task loss of the frozen detector
// loss.task_detector on loss.task_batch crops of loss.task_crop pixels, as a step of task-driven
// training does (every step: divide the extra time by loss.task_every). Prints a Markdown table with images/s and the peak memory of each
// workload (resident, and GPU when on CUDA), each measured in its own child process.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <string>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include "tesg/config.h"
#include "tesg/model_factory.h"
#include "tesg/nn/fusion_loss.h"
#include "tesg/nn/tesg.h"
#include "tesg/nn/transformer_block.h"
#include "tesg/runtime.h"
#include "tesg/train/mixed_precision.h"
#ifdef TESG_WITH_OPENCV
#include "tesg/detect/detector.h"
#include "tesg/task/detection_task.h"
#endif

namespace {

struct Timing {
  double ms;
  double rss_mib;
  double gpu_mib;
  int64_t params;
  int runs;
};

// Where and how a workload runs: --device, and --precision as fusion (weights in that type) and
// training (autocast, loss scaling for fp16) use it.
struct Target {
  torch::Device device{torch::kCPU};
  std::string precision = "fp32";
  double max_seconds = 1e9;
  torch::ScalarType dtype() const {
    return precision == "fp16" ? torch::kFloat16 : precision == "bf16" ? torch::kBFloat16 : torch::kFloat32;
  }
  void synchronize() const {
    if (device.is_cuda()) torch::cuda::synchronize();
  }
};

int64_t parameter_count(tesg::nn::TeSG& model) {
  int64_t n = 0;
  for (const auto& p : model->parameters()) n += p.numel();
  return n;
}

// One warm-up, then `repeat` timed runs or as many as fit in target.max_seconds.
Timing time_workload(const Target& target, int repeat, const std::function<void()>& run) {
  run();
  target.synchronize();
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  int runs = 0;
  while (runs < repeat && (runs == 0 || seconds() < target.max_seconds)) {
    run();
    ++runs;
    if (target.device.is_cuda() && runs % 10 == 0) target.synchronize();  // bounds the queue
  }
  target.synchronize();
  // The peak covers the warm-up, where cuDNN's algorithm search happens.
  return {seconds() * 1000 / runs, tesg::peak_rss_mib(), tesg::cuda_peak_memory_mib(), 0, runs};
}

Timing forward(tesg::nn::TeSG& model, const Target& target, int64_t h, int64_t w, int repeat) {
  torch::NoGradGuard no_grad;
  model->to(target.device, target.dtype());
  const auto options = torch::TensorOptions().device(target.device).dtype(target.dtype());
  const auto vi = torch::rand({1, 3, h, w}, options), ir = torch::rand({1, 1, h, w}, options);
  const auto mask = (torch::rand({1, 1, h, w}, options) > 0.5).to(target.dtype());
  auto t = time_workload(target, repeat, [&] { model(vi, ir, mask, torch::Tensor()); });
  t.params = parameter_count(model);
  return t;
}

// What a step adds for the task loss: the model on the task crops, the detector on them and on
// their sources. Returns the loss to add.
using TaskTerm = std::function<torch::Tensor(tesg::nn::TeSG&)>;

Timing train_step(tesg::nn::TeSG& model, const Target& target, int64_t batch, int64_t crop, int repeat,
                  const TaskTerm& task = {}) {
  model->to(target.device);
  const auto options = torch::TensorOptions().device(target.device);
  const auto vi = torch::rand({batch, 3, crop, crop}, options), ir = torch::rand({batch, 1, crop, crop}, options);
  const auto mask = (torch::rand({batch, 1, crop, crop}, options) > 0.5).to(torch::kFloat32);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const auto loss_options = tesg::loss_options(tesg::LossConfig());
  const std::string amp = target.precision == "fp32" ? "none" : target.precision;
  tesg::train::LossScaler scaler(amp == "fp16");
  auto t = time_workload(target, repeat, [&] {
    optimizer.zero_grad();
    torch::Tensor fused;
    {
      tesg::train::AutocastScope autocast(amp);
      fused = model(vi, ir, mask, torch::Tensor());
    }
    auto loss = tesg::nn::fusion_loss(fused.to(torch::kFloat32), vi, ir, loss_options).total;
    if (task) loss = loss + task(model);
    scaler.scaled(loss).backward();
    if (scaler.unscale(model->parameters())) optimizer.step();
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
  Timing t{0, 0, 0, 0, 0};
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
  double max_seconds = 1e9;
  std::string device = "cpu";
  std::vector<std::string> overrides, precisions = {"fp32"};
  std::vector<std::string> workloads = {"fwd640", "fwd1280", "train"};
  app.add_option("--threads", threads, "intra-op threads (0 = all cores)");
  app.add_option("--device", device, "cpu | cuda | cuda:N");
  app.add_option("--max-seconds", max_seconds, "stop a workload's timed runs after this long");
  app.add_option("--precision", precisions, "any of fp32 bf16 fp16 (bf16/fp16 on CUDA)")
      ->delimiter(',')->check(CLI::IsMember({"fp32", "bf16", "fp16"}));
  app.add_option("--repeat", repeat, "timed runs per workload (after one warm-up)");
  app.add_option("--set", overrides, "config override, e.g. model.channels=24");
  app.add_option("--workloads", workloads, "any of fwd640 fwd1280 train train_task")->delimiter(',');
  CLI11_PARSE(app, argc, argv);

  const auto config = tesg::parse_config("", "defaults", overrides);
  auto make_model = [&] {
    tesg::configure_threads(threads);
    torch::manual_seed(0);
    return tesg::nn::TeSG(tesg::model_options(config.model));
  };
  // No torch work in this process: children are forked per workload (CUDA is initialised in the
  // children only, so forking is safe).
  std::cout << "| workload | device | precision | runs | ms | images/s | peak RSS MiB | peak GPU MiB |\n"
               "|---|---|---|---|---|---|---|---|\n";
  int64_t params = 0;
  for (const auto& precision : precisions) {
    const Target target{torch::Device(device), precision, max_seconds};
    if (!target.device.is_cuda() && precision != "fp32") {
      std::cerr << "--precision " << precision << " needs --device cuda\n";
      return 2;
    }
    for (const auto& w : workloads) {
      Timing t{0, 0, 0, 0, 0};
      std::string name;
      int64_t images = 1;
      if (w == "fwd640" || w == "fwd1280") {
        const bool large = w == "fwd1280";
        name = large ? "forward 1280x1024 (no grad)" : "forward 640x480 (no grad)";
        t = in_child([&] {
          auto model = make_model();
          model->eval();
          return large ? forward(model, target, 1024, 1280, target.device.is_cuda() ? repeat : 1)
                       : forward(model, target, 480, 640, repeat);
        });
      } else if (w == "train") {
        name = "train step B=8 96x96 (fwd+bwd+AdamW)";
        images = 8;
        if (config.train.activation_checkpointing && precision != "fp32") {
          std::cerr << "train.activation_checkpointing needs --precision fp32\n";
          return 2;
        }
        name += config.train.activation_checkpointing ? ", activation checkpointing" : "";
        t = in_child([&] {
          auto model = make_model();
          tesg::nn::set_activation_checkpointing(*model, config.train.activation_checkpointing);
          return train_step(model, target, images, 96, repeat);
        });
      } else if (w == "train_task") {
#ifdef TESG_WITH_OPENCV
        const auto& lc = config.loss;
        name = "train step B=8 96x96 + task loss " + std::to_string(lc.task_batch) + "x" +
               std::to_string(lc.task_crop) + "px" + (config.train.activation_checkpointing ? ", activation checkpointing" : "");
        images = 8;
        if (lc.task <= 0 || precision != "fp32") {
          std::cerr << "train_task needs --set loss.task=W --set loss.task_detector=FILE and --precision fp32\n";
          return 2;
        }
        t = in_child([&] {
          auto model = make_model();
          tesg::nn::set_activation_checkpointing(*model, config.train.activation_checkpointing);
          auto task = std::make_shared<tesg::task::DetectionTask>(
              tesg::task::DetectionTaskOptions().detector(lc.task_detector).classes(lc.task_classes).device(device));
          const auto options = torch::TensorOptions().device(target.device);
          const auto vi = torch::rand({lc.task_batch, 3, lc.task_crop, lc.task_crop}, options);
          const auto ir = torch::rand({lc.task_batch, 1, lc.task_crop, lc.task_crop}, options);
          const auto mask = (torch::rand({lc.task_batch, 1, lc.task_crop, lc.task_crop}, options) > 0.5).to(torch::kFloat32);
          const auto& input = task->detector().info();
          const std::vector<tesg::detect::Letterbox> geometry(
              static_cast<size_t>(lc.task_batch),
              tesg::detect::Letterbox::fit_crop(lc.task_crop, lc.task_crop, 640, 480, input.input_w, input.input_h));
          return train_step(model, target, images, 96, repeat, [=](tesg::nn::TeSG& m) {
            return lc.task * (*task)(m(vi, ir, mask, torch::Tensor()), vi, ir, {}, geometry).total;
          });
        });
#else
        std::cerr << "train_task needs a build with OpenCV\n";
        return 2;
#endif
      } else {
        std::cerr << "unknown workload " << w << "\n";
        return 2;
      }
      std::cout << "| " << name << " | " << device << " | " << precision << " | " << t.runs << " | " << std::fixed
                << std::setprecision(1) << t.ms << " | " << std::setprecision(2) << images * 1000.0 / t.ms
                << " | " << static_cast<int64_t>(t.rss_mib) << " | " << static_cast<int64_t>(t.gpu_mib) << " |"
                << std::endl;
      params = t.params;
    }
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::cout << "\nTeSG C=" << config.model.channels << " blocks=" << config.model.blocks << ", "
            << params << " parameters, " << tesg::describe(tesg::torch_build()) << ", "
            << (threads > 0 ? threads : cores) << " CPU threads\n";
  return 0;
}

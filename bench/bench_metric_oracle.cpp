// How far the evaluator's Qabf and VIF can rise above max-luma fusion on real pairs: starting
// from max(ir, Y_vi), Adam on the fused pixels themselves maximises w_q Qabf + w_v VIF / 2 (the
// differentiable metrics of tesg/nn/metric_losses.h). Writes the rounded gray images to --out
// (score them with tesg-eval) and prints a table of both metrics before and after per pair.
// An upper bound for what a fusion network trained on these losses can reach, not a method.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <torch/torch.h>

#include "tesg/data/pair_discovery.h"
#include "tesg/io/image.h"
#include "tesg/metrics/gray_image.h"
#include "tesg/nn/metric_losses.h"
#include "tesg/runtime.h"

namespace {

torch::Tensor as_tensor(const tesg::metrics::GrayImage& g) {
  return torch::tensor(std::vector<double>(g.pixels.begin(), g.pixels.end()), torch::kFloat64)
      .view({1, 1, g.height, g.width});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_metric_oracle: Qabf and VIF reachable by optimising the fused pixels"};
  std::string data = "../shared/data/MSRS/test", out = "runs/oracle";
  int pairs = 3, steps = 100;
  double qabf_weight = 1.0, vif_weight = 0.15, lr = 0.5;
  app.add_option("--data", data, "dataset folder (ir/ + vi/)");
  app.add_option("--out", out, "folder for the optimised gray images");
  app.add_option("--pairs", pairs, "first N pairs");
  app.add_option("--steps", steps, "Adam steps per pair");
  app.add_option("--qabf", qabf_weight, "weight of Qabf");
  app.add_option("--vif", vif_weight, "weight of VIF / 2");
  app.add_option("--lr", lr, "Adam step in gray levels");
  CLI11_PARSE(app, argc, argv);
  tesg::configure_threads();
  namespace m = tesg::metrics;
  std::filesystem::create_directories(out);
  const auto set = tesg::data::find_pairs(data);
  std::cout << "| pair | Qabf max | Qabf opt | VIF max | VIF opt |\n|---|---|---|---|---|\n";
  for (int k = 0; k < std::min<int>(pairs, static_cast<int>(set.pairs.size())); ++k) {
    const auto& p = set.pairs[static_cast<size_t>(k)];
    const auto ir = as_tensor(m::read_evaluator_gray(p.ir)), vi = as_tensor(m::read_evaluator_gray(p.vi));
    auto fused = torch::maximum(ir, vi).requires_grad_(true);
    const auto scores = [&](const torch::Tensor& f) {
      return std::make_pair(tesg::nn::qabf_score(f, ir, vi), tesg::nn::vif_score(f, ir, vi));
    };
    const auto [q0, v0] = scores(fused.detach());
    torch::optim::Adam adam({fused}, torch::optim::AdamOptions(lr));
    for (int s = 0; s < steps; ++s) {
      adam.zero_grad();
      const auto [q, v] = scores(fused);
      (-(qabf_weight * q + vif_weight * v / 2)).sum().backward();
      adam.step();
      torch::NoGradGuard no_grad;
      fused.clamp_(0, 255);
    }
    const auto rounded = fused.detach().round();
    const auto [q1, v1] = scores(rounded);
    tesg::io::write_png((std::filesystem::path(out) / (p.stem + ".png")).string(), rounded[0] / 255);
    std::printf("| %s | %.4f | %.4f | %.4f | %.4f |\n", p.stem.c_str(), q0.item<double>(),
                q1.item<double>(), v0.item<double>(), v1.item<double>());
    std::fflush(stdout);
  }
  return 0;
}

// tesg-fuse: fuse dataset folders (or one pair) with a trained TeSG checkpoint, at the input size.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/launcher.h"
#include "tesg/cluster/rank_environment.h"
#include "tesg/config.h"
#include "tesg/error.h"
#include "tesg/infer/baseline.h"
#include "tesg/infer/batch_fusion.h"
#include "tesg/infer/fusion_model.h"
#include "tesg/infer/sig_inputs.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/sig/sig_cache.h"
#include "tesg/train/checkpoint.h"

namespace {

// "--sig masker=file" or a bare backend name -> the config override "sig.<role>=<backend>".
std::string sig_override(const std::string& backend) {
  if (backend.find('=') != std::string::npos) return "sig." + backend;
  if (backend == "saliency" || backend == "file" || backend == "diffedit") return "sig.masker=" + backend;
  if (backend == "blip") return "sig.captioner=" + backend;
  if (backend == "clip") return "sig.text_encoder=" + backend;
  throw tesg::ConfigError("--sig " + backend +
                          ": name the role, e.g. masker=" + backend + " or text_encoder=" + backend);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tesg-fuse: fuse infrared/visible pairs with a trained TeSG, at the input size"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  std::string checkpoint, info, baseline, data_dir, split, out, ir, vi, sig_cache, log_level = "info";
  std::vector<std::string> overrides, sig_backends;
  std::optional<std::string> device, precision;
  std::optional<int64_t> threads, batch;
  tesg::infer::FuseOutputs outputs;
  app.add_option("--checkpoint", checkpoint, "TeSG checkpoint (models/*.pt, a run's best.pt or model.pt)");
  app.add_option("--baseline", baseline, "fuse with a baseline instead: avg | max | edge_guided (luma)");
  app.add_option("--data", data_dir, "dataset folder of pairs (ir/+vi/, RoadScene, LLVIP layouts)");
  app.add_option("--split", split, "split sub-folder of nested layouts (LLVIP)");
  app.add_option("--ir", ir, "infrared image of a single pair");
  app.add_option("--vi", vi, "visible image of a single pair");
  auto* out_option = app.add_option("--out", out, "output folder (--data) or .png file (--ir/--vi)");
  app.add_option("--info", info, "print where CHECKPOINT comes from (data, code, time) and its config")
      ->excludes(out_option);
  app.add_option("--sig-cache", sig_cache, "SIG cache folder made by tesg-sig");
  app.add_option("--sig", sig_backends, "SIG backends computed on the fly, e.g. masker=saliency");
  app.add_option("--device", device, "cpu | cuda | cuda:N (fuse.device)");
  app.add_option("--precision", precision, "fp32 | fp16 | bf16 (fuse.precision; CUDA for fp16/bf16)");
  app.add_option("--threads", threads, "CPU threads, 0 = all cores (fuse.threads)");
  app.add_option("--batch", batch, "pairs of equal size per forward pass (fuse.batch)");
  app.add_option("--set", overrides, "override a config key, e.g. fuse.tile_pixels=1000000");
  app.add_flag("--gray", outputs.gray, "also write the luma of each fused image");
  app.add_flag("--grid", outputs.grid, "also write comparison images and a contact sheet");
  app.add_flag("--overwrite", outputs.overwrite, "replace existing outputs (default: keep them)");
  int nproc = 1;
  app.add_option("--nproc", nproc, "local ranks to start, each fusing a share of the pairs (one GPU each)")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "debug | info | warn | error");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(log_level);
  try {
    if (!info.empty()) {
      std::cout << tesg::train::describe(tesg::train::read_checkpoint_info(info));
      return 0;
    }
    if (out.empty()) throw tesg::ConfigError("--out is required");
    if (const auto status = tesg::cluster::run_local_ranks_if_asked(argc, argv, nproc)) return *status;
    auto ranks = tesg::cluster::BatchRanks::from_environment();
    namespace infer = tesg::infer;
    const bool single = !ir.empty() || !vi.empty();
    if (single == !data_dir.empty() || (single && (ir.empty() || vi.empty()))) {
      throw tesg::ConfigError("give either --data DIR or both --ir FILE and --vi FILE");
    }
    if (checkpoint.empty() == baseline.empty()) {
      throw tesg::ConfigError("give either --checkpoint PATH or --baseline avg|max|edge_guided");
    }
    for (const auto& b : sig_backends) overrides.push_back(sig_override(b));
    if (device) overrides.push_back("fuse.device=" + *device);
    if (precision) overrides.push_back("fuse.precision=" + *precision);
    if (threads) overrides.push_back("fuse.threads=" + std::to_string(*threads));
    if (batch) overrides.push_back("fuse.batch=" + std::to_string(*batch));
    auto config = checkpoint.empty() ? tesg::parse_config("", "defaults", overrides)
                                     : infer::checkpoint_config(checkpoint, overrides);
    config.fuse.device = ranks.device(config.fuse.device);
    const int used_threads = tesg::configure_threads(static_cast<int>(config.fuse.threads),
                                                     tesg::cluster::rank_environment().local_world_size);
    const infer::SigInputs sig(config.sig, sig_cache);
    std::unique_ptr<infer::FusionModel> model;
    infer::FuseFn fuse;
    if (checkpoint.empty()) {
      fuse = infer::baseline_fusion(baseline);
    } else {
      model = std::make_unique<infer::FusionModel>(checkpoint, config);
      fuse = model->as_fuse_fn();
      infer::warn_on_backend_mismatch(model->info().sig_backends, sig.backends());
    }
    spdlog::info("{} on {} ({} CPU threads; {}), SIG: {}", checkpoint.empty() ? baseline : checkpoint,
                 config.fuse.device, used_threads, tesg::describe(tesg::torch_build()), sig.backends());
    auto summary = single ? infer::fuse_pair_files(fuse, sig, ir, vi, out, outputs, config.fuse)
                          : infer::fuse_folder(fuse, sig, data_dir, split, out, outputs, config.fuse, &ranks);
    if (!ranks.lead()) return 0;  // rank 0 reports for every rank, failures included
    summary.method = checkpoint.empty() ? baseline : checkpoint;
    summary.device = config.fuse.device;
    summary.peak_rss_mib = tesg::peak_rss_mib();
    if (const c10::Device device(config.fuse.device); model && device.is_cuda()) {
      summary.peak_gpu_mib = tesg::cuda_peak_memory_mib(std::max<int>(device.index(), 0));
    }
    if (!single) infer::write_summary_json((std::filesystem::path(out) / "fuse_summary.json").string(), summary);
    for (const auto& line : infer::summary_lines(summary)) {
      if (line.rfind("failed", 0) == 0 || line.rfind("unpaired", 0) == 0) {
        spdlog::warn("{}", line);
      } else {
        spdlog::info("{}", line);
      }
    }
    return summary.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

// tesg-train: train TeSG from a YAML config, on one process or data-parallel over several.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>

#include <c10/core/Device.h>

#include "tesg/cluster/data_parallel.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/launcher.h"
#include "tesg/cluster/rank_environment.h"
#include "tesg/cluster/stop_signals.h"
#include "tesg/config.h"
#include "tesg/error.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/train/trainer.h"

int main(int argc, char** argv) {
  CLI::App app{"tesg-train: train TeSG from a YAML config, on one process, --nproc N local ranks, or "
               "the ranks torchrun or srun starts (docs/clusters.md)"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  std::string config_path, log_level = "info";
  std::vector<std::string> overrides;
  std::vector<std::string> resume;
  int nproc = 1;
  int64_t stop_after_steps = -1;
  double stop_after_minutes = -1;
  app.add_option("--config", config_path, "YAML config")->required();
  app.add_option("--set", overrides, "override a config key, e.g. train.lr=2e-4");
  app.add_option("--resume", resume,
                 "continue from this checkpoint, or <output.dir>/last.pt without one (train.resume: auto "
                 "already continues this config's run)")
      ->expected(0, 1);
  app.add_option("--nproc", nproc, "local data-parallel ranks to start (Gloo)")->check(CLI::PositiveNumber);
  app.add_option("--stop-after-steps", stop_after_steps,
                 "stop after N steps of this run, saving last.pt (resume later with --resume)");
  app.add_option("--stop-after-minutes", stop_after_minutes,
                 "stop at the first epoch end after M minutes, validating it and saving last.pt")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "debug | info | warn | error");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(log_level);
  tesg::cluster::install_stop_handlers();
  try {
    if (const auto status = tesg::cluster::run_local_ranks_if_asked(argc, argv, nproc)) return *status;
    const auto config = tesg::load_config(config_path, overrides);
    const int threads = tesg::configure_threads(static_cast<int>(config.train.threads),
                                                tesg::cluster::rank_environment().local_world_size);
    const bool cuda = c10::Device(config.train.device).is_cuda();
    auto dp = tesg::cluster::DataParallel::from_environment(
        std::chrono::seconds(config.train.dist_timeout_s), cuda);
    if (dp && dp->rank() != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 reports
    if (const auto r = tesg::cluster::rank_environment(); dp) {
      spdlog::info("{} ranks ({}{}), rendezvous at {}:{}", r.world_size,
                   r.launcher == "slurm" ? "Slurm" : "torchrun environment",
                   r.restart_count ? ", restart " + std::to_string(r.restart_count) : "", r.master_addr,
                   r.master_port);
    }
    spdlog::info("training on {} ({} CPU threads; {}{})", config.train.device, threads,
                 tesg::describe(tesg::torch_build()),
                 cuda ? (tesg::cluster::DataParallel::nccl_available() ? ", NCCL" : ", no NCCL") : "");
    tesg::train::TrainOptions options;
    options.stop_after_steps = stop_after_steps;
    options.stop_after_seconds = stop_after_minutes * 60;
    if (app.count("--resume")) {
      options.resume = resume.empty() || resume[0].empty()
                           ? (std::filesystem::path(config.output.dir) / "last.pt").string()
                           : resume[0];
    }
    const auto summary = tesg::train::train(config, options, dp.get());
    if (summary.stopped_by_signal) {
      spdlog::warn("stopped on a signal at step {}: {}/last.pt saved; the same command resumes it (exit {})",
                   summary.steps, config.output.dir, tesg::cluster::kExitStoppedBySignal);
      return tesg::cluster::kExitStoppedBySignal;
    }
    spdlog::info("done: {} steps ({} skipped), last loss {:.4f}, outputs in {}", summary.steps,
                 summary.skipped_steps, summary.last_loss, config.output.dir);
    return 0;
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

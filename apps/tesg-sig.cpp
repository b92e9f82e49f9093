// tesg-sig: precompute the semantic inputs (masks, captions, text semantics) of a dataset folder.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "tesg/cluster/batch_ranks.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/launcher.h"
#include "tesg/config.h"
#include "tesg/error.h"
#include "tesg/runtime.h"
#include "tesg/version.h"
#include "tesg/sig/build_cache.h"
#include "tesg/sig/sig_cache.h"

int main(int argc, char** argv) {
  CLI::App app{"tesg-sig: write the SIG cache (masks/, captions.jsonl, manifest) of a dataset "
               "folder with the backends of the config's `sig` section"};
  app.set_version_flag("--version", "tesg " + tesg::version());
  std::string data_dir, out_dir, config_path, split, log_level = "info";
  std::vector<std::string> overrides;
  bool overwrite = false;
  app.add_option("--data", data_dir, "dataset folder with infrared and visible images")->required();
  app.add_option("--out", out_dir, "cache folder to create or complete")->required();
  app.add_option("--config", config_path, "YAML config (default: built-in defaults)");
  app.add_option("--set", overrides, "override a config key, e.g. sig.masker=file");
  app.add_option("--split", split, "split sub-folder of nested layouts (LLVIP)");
  app.add_flag("--overwrite", overwrite, "recompute masks already in the cache");
  int nproc = 1;
  app.add_option("--nproc", nproc, "local ranks to start, each doing a share of the pairs (one GPU each)")
      ->check(CLI::PositiveNumber);
  app.add_option("--log-level", log_level, "debug | info | warn | error");
  CLI11_PARSE(app, argc, argv);
  tesg::setup_logging(log_level);
  try {
    if (const auto status = tesg::cluster::run_local_ranks_if_asked(argc, argv, nproc)) return *status;
    auto ranks = tesg::cluster::BatchRanks::from_environment();
    auto config = config_path.empty() ? tesg::parse_config("", "defaults", overrides)
                                      : tesg::load_config(config_path, overrides);
    config.sig.device = ranks.device(config.sig.device);
    spdlog::info("SIG backends: {}", tesg::sig::sig_fingerprint(config.sig));
    const auto report =
        tesg::sig::build_sig_cache(config.sig, data_dir, split, out_dir, overwrite, &ranks);
    if (!ranks.lead()) return 0;  // rank 0 reports for every rank, failures included
    for (const auto& problem : report.dataset_problems) spdlog::warn("{}", problem);
    for (const auto& failure : report.failures) spdlog::warn("{}", failure);
    spdlog::info("{} pairs: {} written, {} kept, {} failed in {:.1f} s -> {}", report.pairs,
                 report.written, report.kept, report.failures.size(), report.seconds, out_dir);
    return report.failures.empty() && report.dataset_problems.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    return tesg::cluster::report_fatal_error(e);
  }
}

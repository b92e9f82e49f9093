// Dev tool: records provenance afterwards in a checkpoint written before tesg-train recorded it
// (the bundled models). The data folders come from the checkpoint's own config (data.train, read
// from the current folder), every pair counted; the rest comes from the flags, taken from the
// model card and git history, and `--note` says so. Weights, optimizer and RNG state are kept.
//   build/scripts/dev/stamp_provenance models/tesg_cpu_small.pt --commit SHA --tesg 0.1.0 \
//       --torch 1.13.0 --minutes 65 --note "recorded afterwards from the model card and git history"
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "tesg/config.h"
#include "tesg/data/pair_discovery.h"
#include "tesg/error.h"
#include "tesg/model_factory.h"
#include "tesg/train/checkpoint.h"

int main(int argc, char** argv) {
  CLI::App app{"stamp_provenance: record provenance afterwards in an old checkpoint"};
  std::string path;
  tesg::train::Provenance provenance;
  double minutes = 0;
  app.add_option("checkpoint", path, "checkpoint to rewrite in place")->required();
  app.add_option("--commit", provenance.git_commit, "git commit the checkpoint was trained with")->required();
  app.add_option("--tesg", provenance.tesg_version, "tesg version of that commit")->required();
  app.add_option("--torch", provenance.torch_version, "LibTorch version it was trained with")->required();
  app.add_option("--minutes", minutes, "training wall time")->required();
  app.add_option("--note", provenance.recorded, "how the record was made")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    auto info = tesg::train::read_checkpoint_info(path);
    const auto config = tesg::parse_config(info.config_yaml, path);
    tesg::nn::TeSG model(tesg::model_options(config.model));
    torch::optim::AdamW optimizer(model->parameters());
    const bool training = info.kind == "training";
    info = tesg::train::load_checkpoint(path, *model, training ? &optimizer : nullptr);
    for (const auto& folder : config.data.train) {
      provenance.data.push_back(tesg::train::data_source(folder, tesg::data::find_pairs(folder, config.data.split).pairs));
    }
    provenance.train_seconds = minutes * 60;
    info.provenance = provenance;
    tesg::train::save_checkpoint(path, *model, training ? &optimizer : nullptr, info);
    std::cout << tesg::train::describe(tesg::train::read_checkpoint_info(path));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "stamp_provenance: " << tesg::one_line(e) << "\n";
    return 1;
  }
}

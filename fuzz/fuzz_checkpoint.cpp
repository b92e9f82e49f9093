// Fuzzes checkpoint loading as tesg-train --resume does it: metadata, the weights of a (tiny)
// TeSG and the optimizer state.
#include <torch/torch.h>

#include "fuzz_input.h"
#include "tesg/config.h"
#include "tesg/model_factory.h"
#include "tesg/train/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  // The model and optimizer of the seeds in fuzz/corpus/checkpoint (written by fuzz_make_seeds).
  static nn::TeSG model(model_options(parse_config(fuzz::kTinyModelYaml, "tiny.yaml").model));
  static torch::optim::AdamW optimizer(model->parameters());
  const auto path = fuzz::write_input("checkpoint.pt", data, size);
  fuzz::expect_only_tesg_errors([&] { train::read_checkpoint_info(path); });
  fuzz::expect_only_tesg_errors([&] { train::load_checkpoint(path, *model, &optimizer); });
  return 0;
}

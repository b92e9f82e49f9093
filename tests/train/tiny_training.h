#pragma once
// The tiny training recipe that the trainer and fault-tolerance tests share: a TeSG small enough
// to train in seconds and random pairs with a bright square in the infrared.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tesg/config.h"
#include "tesg/io/image.h"
#include "tesg/model_factory.h"
#include "tesg/train/checkpoint.h"

namespace tesg::test {

inline constexpr const char* kTinyModelYaml =
    "model: {channels: 8, heads: 2, blocks: 1, text_attn_dim: 8, text_heads: 2, null_text_tokens: 4}\n";

/// `pairs` random size x size pairs with a bright square each (moving with the index), in
/// dir/ir and dir/vi.
inline void write_tiny_pairs(const std::string& dir, int pairs, int64_t size = 40) {
  std::filesystem::create_directories(dir + "/ir");
  std::filesystem::create_directories(dir + "/vi");
  for (int i = 0; i < pairs; ++i) {
    auto ir = torch::rand({1, size, size}) * 0.3;
    ir.narrow(1, 5 + i, 10).narrow(2, 8, 10).fill_(0.9);
    io::write_png(dir + "/ir/p" + std::to_string(i) + ".png", ir);
    io::write_png(dir + "/vi/p" + std::to_string(i) + ".png", torch::rand({3, size, size}));
  }
}

/// The weights of the tiny model stored in `checkpoint`.
inline std::vector<torch::Tensor> tiny_weights(const std::string& checkpoint) {
  nn::TeSG model(model_options(parse_config(kTinyModelYaml, "tiny.yaml").model));
  train::load_checkpoint(checkpoint, *model);
  return model->parameters();
}

}  // namespace tesg::test

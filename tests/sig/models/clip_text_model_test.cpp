// CLIPTextModel against transformers' outputs for the fixture model (README: atol/rtol 1e-4).
#include "tesg/sig/models/clip_text_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "../sig_fixtures.h"
#include "tesg/error.h"

namespace tesg::sig::models {
namespace {

TEST(ClipTextModelTest, ReproducesLastHiddenState) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto dir = test::sig_fixtures() + "/clip_text";
  auto model = load_clip_text_model(dir);
  const SafetensorsFile io(dir + "/io.safetensors");
  torch::NoGradGuard no_grad;
  const auto hidden = model(io.tensor("input_ids"));
  test::expect_close(hidden, io.tensor("last_hidden_state"), 1e-4, 1e-4, "last_hidden_state");
}

TEST(ClipTextModelTest, ReproducesLastHiddenStateOnCuda) {
  TESG_REQUIRE_SIG_FIXTURES();
  TESG_REQUIRE_CUDA_DEVICE(1);
  const auto dir = test::sig_fixtures() + "/clip_text";
  auto model = load_clip_text_model(dir);
  model->to(torch::kCUDA);
  const SafetensorsFile io(dir + "/io.safetensors");
  torch::NoGradGuard no_grad;
  const auto hidden = model(io.tensor("input_ids").to(torch::kCUDA)).cpu();
  test::expect_close(hidden, io.tensor("last_hidden_state"), 1e-4, 1e-4, "last_hidden_state (cuda)");
}

TEST(ClipTextModelTest, ConfigThatDoesNotFitTheWeightsIsRefused) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto fixture = test::sig_fixtures() + "/clip_text";
  test::TempDir dir;
  std::filesystem::copy_file(fixture + "/model.safetensors", dir / "model.safetensors");
  const auto config = fixture + "/config.json";
  const auto intermediate = test::fixture_config_int("clip_text", "intermediate_size");
  test::write_config_with(config, dir / "config.json", "intermediate_size", std::to_string(intermediate + 16));
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError, "shape mismatch");
  test::write_config_with(config, dir / "config.json", "hidden_act", "\"gelu_new\"");
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError, "hidden_act: 'gelu_new' is not supported");
  const auto layers = test::fixture_config_int("clip_text", "num_hidden_layers");
  test::write_config_with(config, dir / "config.json", "num_hidden_layers", std::to_string(layers + 1));
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError,
                    "missing tensors: text_model.encoder.layers." + std::to_string(layers));
}

}  // namespace
}  // namespace tesg::sig::models

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

TEST(ClipTextModelTest, ConfigThatDoesNotFitTheWeightsIsRefused) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto fixture = test::sig_fixtures() + "/clip_text";
  test::TempDir dir;
  std::filesystem::copy_file(fixture + "/model.safetensors", dir / "model.safetensors");
  const auto config = fixture + "/config.json";
  test::write_edited(config, dir / "config.json", "\"intermediate_size\": 64", "\"intermediate_size\": 48");
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError, "shape mismatch");
  test::write_edited(config, dir / "config.json", "\"quick_gelu\"", "\"gelu_new\"");
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError, "hidden_act: 'gelu_new' is not supported");
  test::write_edited(config, dir / "config.json", "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
  EXPECT_THROW_WITH(load_clip_text_model(dir.path()), CheckpointError, "missing tensors: text_model.encoder.layers.2");
}

}  // namespace
}  // namespace tesg::sig::models

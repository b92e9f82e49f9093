// Stable Diffusion's pieces against diffusers on the fixture models: DDIM numbers, the VAE
// posterior and the UNet's noise prediction (tolerances from the fixture README).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "../sig_fixtures.h"
#include "tesg/error.h"
#include "tesg/sig/models/ddim_schedule.h"
#include "tesg/sig/models/unet.h"
#include "tesg/sig/models/vae_encoder.h"

namespace tesg::sig::models {
namespace {

std::vector<int64_t> ids(const torch::Tensor& t) {
  const auto c = t.to(torch::kLong).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

TEST(DdimScheduleTest, ReproducesDiffusersNumbers) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto dir = test::sig_fixtures() + "/ddim";
  const auto ddim = DdimSchedule::from_hf(HfConfig::load(dir + "/scheduler_config.json"));
  const SafetensorsFile io(dir + "/io.safetensors");
  test::expect_close(ddim.betas(), io.tensor("betas"), 1e-6, 0, "betas");
  test::expect_close(ddim.alphas_cumprod(), io.tensor("alphas_cumprod"), 1e-6, 0, "alphas_cumprod");
  EXPECT_NEAR(ddim.final_alpha_cumprod(), io.tensor("final_alpha_cumprod").item<double>(), 1e-7);
  EXPECT_EQ(ddim.timesteps(50), ids(io.tensor("timesteps_50")));
  EXPECT_EQ(ddim.timesteps(25), ids(io.tensor("timesteps_25")));
  EXPECT_EQ(ddim.timesteps(50, 0.5), ids(io.tensor("diffedit_timesteps_50_strength_0.5")));
  EXPECT_EQ(ddim.timesteps(25, 0.5), ids(io.tensor("diffedit_timesteps_25_strength_0.5")));
  const auto x0 = io.tensor("add_noise.original"), noise = io.tensor("add_noise.noise");
  test::expect_close(ddim.add_noise(x0, noise, io.tensor("add_noise.timestep")), io.tensor("add_noise.noisy"), 1e-6, 0, "add_noise");
  test::expect_close(ddim.add_noise(x0, noise, io.tensor("add_noise.timesteps_vec")), io.tensor("add_noise.noisy_vec"),
                     1e-6, 0, "add_noise per sample");
  const auto steps = ids(io.tensor("step.timesteps"));
  const auto eps = io.tensor("step.model_output");
  const auto s1 = ddim.step(eps, steps[0], io.tensor("step.sample0"), 50);
  test::expect_close(s1, io.tensor("step0.prev_sample"), 1e-6, 0, "step 0");
  test::expect_close(ddim.step(eps, steps[1], s1, 50), io.tensor("step1.prev_sample"), 1e-6, 0, "step 1");
}

TEST(VaeEncoderTest, ReproducesThePosterior) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto dir = test::sig_fixtures() + "/vae";
  auto vae = load_vae_encoder(dir);
  const SafetensorsFile io(dir + "/io.safetensors");
  torch::NoGradGuard no_grad;
  const auto posterior = vae->encode(io.tensor("image"));
  test::expect_close(posterior.mean, io.tensor("mean"), 1e-3, 1e-4, "mean");
  test::expect_close(posterior.logvar, io.tensor("logvar"), 1e-3, 1e-4, "logvar");
  test::expect_close(posterior.std(), io.tensor("std"), 1e-3, 1e-4, "std");
  EXPECT_NEAR(vae->options.scaling_factor, io.tensor("scaling_factor").item<double>(), 1e-7);
}

// Older SD VAE files name the attention query/key/value/proj_attn: same numbers.
TEST(VaeEncoderTest, AcceptsTheOldAttentionNames) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto fixture = test::sig_fixtures() + "/vae";
  test::TempDir dir;
  std::filesystem::copy_file(fixture + "/config.json", dir / "config.json");
  const SafetensorsFile original(fixture + "/diffusion_pytorch_model.safetensors");
  std::vector<std::pair<std::string, torch::Tensor>> renamed;
  for (const auto& name : original.names()) {
    auto old = std::regex_replace(name, std::regex("\\.to_q\\."), ".query.");
    old = std::regex_replace(old, std::regex("\\.to_k\\."), ".key.");
    old = std::regex_replace(old, std::regex("\\.to_v\\."), ".value.");
    old = std::regex_replace(old, std::regex("\\.to_out\\.0\\."), ".proj_attn.");
    renamed.emplace_back(old, original.tensor(name));
  }
  test::write_safetensors(dir / "diffusion_pytorch_model.safetensors", renamed);
  auto vae = load_vae_encoder(dir.path());
  const SafetensorsFile io(fixture + "/io.safetensors");
  torch::NoGradGuard no_grad;
  test::expect_close(vae->encode(io.tensor("image")).mean, io.tensor("mean"), 1e-3, 1e-4, "mean");
}

TEST(UNetTest, ReproducesTheNoisePrediction) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto dir = test::sig_fixtures() + "/unet";
  auto unet = load_unet(dir);
  const SafetensorsFile io(dir + "/io.safetensors");
  torch::NoGradGuard no_grad;
  const auto sample = io.tensor("sample"), text = io.tensor("encoder_hidden_states");
  test::expect_close(unet(sample, io.tensor("timesteps"), text), io.tensor("eps"), 1e-4, 1e-4, "eps");
  test::expect_close(unet(sample, io.tensor("timestep_scalar"), text), io.tensor("eps_scalar_t"), 1e-4, 1e-4,
                     "eps, 0-d timestep");
}

TEST(UNetTest, ReproducesTheNoisePredictionOnCuda) {
  TESG_REQUIRE_SIG_FIXTURES();
  TESG_REQUIRE_CUDA_DEVICE(1);
  const auto dir = test::sig_fixtures() + "/unet";
  auto unet = load_unet(dir);
  unet->to(torch::kCUDA);
  const SafetensorsFile io(dir + "/io.safetensors");
  torch::NoGradGuard no_grad;
  const auto cuda = [](const torch::Tensor& t) { return t.to(torch::kCUDA); };
  const auto eps = unet(cuda(io.tensor("sample")), cuda(io.tensor("timesteps")), cuda(io.tensor("encoder_hidden_states")));
  test::expect_close(eps.cpu(), io.tensor("eps"), 1e-4, 1e-4, "eps (cuda)");
}

TEST(UNetTest, OddLatentSizesComeBackAtTheirSize) {
  TESG_REQUIRE_SIG_FIXTURES();
  auto unet = load_unet(test::sig_fixtures() + "/unet");
  torch::NoGradGuard no_grad;
  const auto channels = test::fixture_config_int("unet", "in_channels");
  const auto text_width = test::fixture_config_int("unet", "cross_attention_dim");
  const auto eps = unet(torch::randn({1, channels, 15, 9}), torch::tensor(481), torch::randn({1, 77, text_width}));
  EXPECT_EQ(eps.sizes(), (torch::IntArrayRef{1, test::fixture_config_int("unet", "out_channels"), 15, 9}));
}

TEST(UNetTest, UnsupportedConfigurationsAreRefusedByName) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto fixture = test::sig_fixtures() + "/unet";
  test::TempDir dir;
  const auto config = fixture + "/config.json";
  test::write_config_with(config, dir / "config.json", "use_linear_projection", "true");
  std::filesystem::create_symlink(fixture + "/diffusion_pytorch_model.safetensors",
                                  dir / "diffusion_pytorch_model.safetensors");
  EXPECT_THROW_WITH(load_unet(dir.path()), CheckpointError, "use_linear_projection: 'true' is not supported");
  test::write_config_with(config, dir / "config.json", "layers_per_block", "\"one\"");
  EXPECT_THROW_WITH(load_unet(dir.path()), CheckpointError, "layers_per_block: expected an integer");
  test::write_config_with(config, dir / "config.json", "layers_per_block", "0");
  EXPECT_THROW_WITH(load_unet(dir.path()), CheckpointError, "layers_per_block: expected a size in 1..1048576, got 0");
  test::write_config_with(config, dir / "config.json", "norm_num_groups", "1048575");
  EXPECT_THROW_WITH(load_unet(dir.path()), CheckpointError, "block_out_channels by norm_num_groups");
}

TEST(DdimScheduleTest, ImpossibleSchedulesAreRefusedByName) {
  TESG_REQUIRE_SIG_FIXTURES();
  const auto config = test::sig_fixtures() + "/ddim/scheduler_config.json";
  test::TempDir dir;
  const auto load = [&](const char* key, const char* value) {
    test::write_config_with(config, dir / "c.json", key, value);
    return DdimSchedule::from_hf(HfConfig::load(dir / "c.json"));
  };
  EXPECT_THROW_WITH(load("num_train_timesteps", "0"), CheckpointError, "num_train_timesteps: expected a size");
  EXPECT_THROW_WITH(load("beta_end", "-1"), CheckpointError, "beta_end: expected");
  EXPECT_THROW_WITH(load("steps_offset", "-3"), CheckpointError, "steps_offset: expected 0..");
}

}  // namespace
}  // namespace tesg::sig::models

// DiffEdit masks against diffusers' generate_mask on the fixture models, with its noise injected.
#include "tesg/sig/diffedit.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include <fstream>

#include "sig_fixtures.h"

namespace tesg::sig {
namespace {

namespace fs = std::filesystem;
const std::string kClipTokenizer = std::string(TESG_SOURCE_DIR) + "/third_party/clip_tokenizer";

// The fixture models in Stable Diffusion's folder layout.
std::string sd_folder(const test::TempDir& dir) {
  const auto f = test::sig_fixtures();
  for (const auto& [name, target] : std::vector<std::pair<std::string, std::string>>{
           {"unet", "unet"}, {"vae", "vae"}, {"text_encoder", "clip_text"}, {"scheduler", "ddim"}}) {
    fs::create_directory_symlink(f + "/" + target, dir / name);
  }
  return dir.path();
}

TEST(DiffEditTest, ReproducesDiffusersMaskWithInjectedNoise) {
  TESG_REQUIRE_SIG_FIXTURES();
  test::TempDir dir;
  auto sd = StableDiffusion::load(sd_folder(dir), kClipTokenizer);
  const auto fixture = test::sig_fixtures() + "/diffedit";
  const SafetensorsFile io(fixture + "/io.safetensors");
  std::ifstream in(fixture + "/params.json");
  const auto params = nlohmann::json::parse(in);
  const auto source = params["source_prompt"].get<std::string>(), target = params["target_prompt"].get<std::string>();
  const auto ids = sd.tokenizer->encode(source);
  EXPECT_TRUE(torch::tensor(ids, torch::kLong).unsqueeze(0).equal(io.tensor("source_input_ids")));
  const auto source_embeds = sd.embed(source), target_embeds = sd.embed(target);
  test::expect_close(source_embeds, io.tensor("source_prompt_embeds"), 1e-4, 1e-4, "source embeds");
  test::expect_close(target_embeds, io.tensor("target_prompt_embeds"), 1e-4, 1e-4, "target embeds");
  const auto image = io.tensor("image_uint8_hwc").permute({2, 0, 1}).unsqueeze(0).to(torch::kFloat32) / 255 * 2 - 1;
  test::expect_close(image, io.tensor("image_preprocessed"), 1e-6, 0, "preprocessing");
  DiffEditOptions options;
  options.maps = params["num_maps_per_mask"].get<int64_t>();
  options.strength = params["mask_encode_strength"].get<double>();
  options.threshold_ratio = params["mask_thresholding_ratio"].get<double>();
  options.steps = params["num_inference_steps"].get<int64_t>();
  options.batch = 7;  // uneven chunks must not change anything
  EXPECT_EQ(sd.schedule->timesteps(options.steps, options.strength).front(), io.tensor("encode_timestep").item<int64_t>());
  // diffusers adds (guidance - 1) x the conditional difference (its tuple-order quirk, README).
  const auto result = DiffEdit(sd, options).latent_mask(image, source_embeds, target_embeds,
                                                        io.tensor("noise_posterior"), io.tensor("noise_add"));
  const double guidance = params["guidance_scale"].get<double>();
  test::expect_close(result.guidance * (guidance - 1), io.tensor("mask_guidance_map"), 1e-4, 1e-3, "guidance map");
  test::expect_close(result.normalized, io.tensor("mask_normalized"), 1e-4, 0, "normalized map");
  EXPECT_TRUE(result.mask.to(torch::kLong).equal(io.tensor("mask")));
  EXPECT_EQ(result.mask.sum().item<int64_t>(), params["mask_ones"].get<int64_t>());
}

TEST(DiffEditTest, ImageMasksHaveTheImageSize) {
  TESG_REQUIRE_SIG_FIXTURES();
  test::TempDir dir;
  auto sd = StableDiffusion::load(sd_folder(dir), kClipTokenizer);
  DiffEditOptions options;
  options.maps = 2;
  const auto mask = DiffEdit(sd, options).image_mask(torch::rand({3, 13, 7}), sd.embed("a cat on a sofa"),
                                                     sd.embed("a on a sofa"), 0);
  EXPECT_EQ(mask.sizes(), (torch::IntArrayRef{1, 13, 7}));
  EXPECT_TRUE(((mask == 0) | (mask == 1)).all().item<bool>());
}

}  // namespace
}  // namespace tesg::sig

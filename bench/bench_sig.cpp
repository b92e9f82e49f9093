// Times the native SIG models at their real sizes (SD v1.5 UNet / VAE encoder / CLIP-L text
// encoder, BLIP base) with random weights, since speed does not depend on the values: one UNet
// sample at the latent size of a WxH image, one VAE encode, one CLIP text pass, one BLIP
// beam-search caption. Prints the components and the seconds per pair they add up to:
// caption + 2 images x (VAE + 2 captions x maps UNet samples) + CLIP text.
#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <iostream>

#include "tesg/runtime.h"
#include "tesg/sig/models/blip.h"
#include "tesg/sig/models/clip_text_model.h"
#include "tesg/sig/models/unet.h"
#include "tesg/sig/models/vae_encoder.h"

namespace {

double seconds(int repeat, const std::function<void()>& run) {
  run();  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeat;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench_sig: native SIG model timings at real sizes (random weights)"};
  int64_t width = 640, height = 480, maps = 10, threads = 0, unet_batch = 1;
  int repeat = 1;
  std::string device = "cpu";
  app.add_option("--width", width, "image width");
  app.add_option("--height", height, "image height");
  app.add_option("--maps", maps, "DiffEdit noise maps per mask");
  app.add_option("--unet-batch", unet_batch, "UNet samples per call (sig.diffedit_batch), for its memory");
  app.add_option("--repeat", repeat, "timed runs per component (after one warm-up)");
  app.add_option("--threads", threads, "intra-op threads (0 = all cores)");
  app.add_option("--device", device, "cpu | cuda");
  CLI11_PARSE(app, argc, argv);
  const int used = tesg::configure_threads(static_cast<int>(threads));
  torch::NoGradGuard no_grad;
  const torch::Device dev(device);
  using namespace tesg::sig::models;
  ClipTextOptions clip_options;
  clip_options.hidden_size = 768, clip_options.intermediate_size = 3072, clip_options.heads = 12;
  ClipTextModel clip(clip_options);
  UNet unet(UNetOptions{});
  VaeEncoder vae(VaeOptions{});
  Blip blip(BlipOptions{});
  clip->to(dev), unet->to(dev), vae->to(dev), blip->to(dev);
  const int64_t lh = (height + 7) / 8, lw = (width + 7) / 8;
  const auto ids = torch::randint(0, 49407, {1, 77}, torch::kLong).to(dev);
  const auto text = torch::randn({unet_batch, 77, 768}).to(dev);
  const auto latents = torch::randn({unet_batch, 4, lh, lw}).to(dev);
  const auto image = torch::rand({1, 3, lh * 8, lw * 8}).to(dev);
  const auto pixels = torch::randn({1, 3, 384, 384}).to(dev);
  GenerationOptions beams;
  beams.beams = 3, beams.min_length = 5, beams.max_length = 20;
  auto sync = [&] { if (dev.is_cuda()) torch::cuda::synchronize(); };
  const double t_clip = seconds(repeat, [&] { clip(ids); sync(); });
  const double t_vae = seconds(repeat, [&] { vae->encode(image); sync(); });
  const double t_unet = seconds(repeat, [&] { unet(latents, torch::tensor(481), text); sync(); }) / double(unet_batch);
  const double t_blip = seconds(repeat, [&] { blip->generate(pixels, {101, 1037, 3861, 1997, 102}, beams); sync(); });
  const double per_pair = t_blip + 2 * (t_vae + 2 * maps * t_unet) + t_clip;
  std::cout << "| component | s |\n|---|---|\n"
            << "| BLIP base caption (beam 3, <= 20 tokens) | " << t_blip << " |\n"
            << "| CLIP-L text encoder (77 tokens) | " << t_clip << " |\n"
            << "| SD VAE encode " << lw * 8 << "x" << lh * 8 << " | " << t_vae << " |\n"
            << "| SD UNet, one sample at " << lw << "x" << lh << " latents | " << t_unet << " |\n"
            << "| **per pair** (caption + 2 x (VAE + 2 x " << maps << " UNet) + CLIP) | **" << per_pair << "** |\n\n"
            << "device " << device << ", " << used << " threads, peak RSS " << tesg::peak_rss_mib() << " MiB\n";
  return 0;
}

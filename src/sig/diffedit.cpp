#include "tesg/sig/diffedit.h"

#include <torch/torch.h>

#include <filesystem>

#include "tesg/error.h"

namespace tesg::sig {
namespace fs = std::filesystem;

StableDiffusion StableDiffusion::load(const std::string& dir, const std::string& fallback_tokenizer_dir) {
  if (!fs::is_directory(dir)) throw ConfigError("sig.sd_dir: '" + dir + "' is not a folder");
  StableDiffusion sd;
  sd.unet = models::load_unet(dir + "/unet");
  sd.vae = models::load_vae_encoder(dir + "/vae");
  sd.text_encoder = models::load_clip_text_model(dir + "/text_encoder");
  sd.schedule = std::make_unique<models::DdimSchedule>(
      models::DdimSchedule::from_hf(HfConfig::load(dir + "/scheduler/scheduler_config.json")));
  const auto tokenizer = fs::is_directory(dir + "/tokenizer") ? dir + "/tokenizer" : fallback_tokenizer_dir;
  sd.tokenizer = std::make_unique<ClipTokenizer>(tokenizer + "/vocab.json", tokenizer + "/merges.txt");
  return sd;
}

torch::Tensor StableDiffusion::embed(const std::string& caption) {
  torch::NoGradGuard no_grad;
  const auto ids = tokenizer->encode(caption, text_encoder->options.max_positions);
  const auto device = text_encoder->parameters().front().device();
  return text_encoder->forward(torch::tensor(ids, torch::kLong).unsqueeze(0).to(device));
}

void StableDiffusion::to(const torch::Device& device, torch::ScalarType dtype) {
  unet->to(device, dtype);
  vae->to(device, dtype);
  text_encoder->to(device, dtype);
}

DiffEditMask DiffEdit::latent_mask(const torch::Tensor& image, const torch::Tensor& caption,
                                   const torch::Tensor& caption_without_keyword,
                                   const torch::Tensor& posterior_noise, const torch::Tensor& add_noise) const {
  torch::NoGradGuard no_grad;
  const int64_t n = posterior_noise.size(0);
  const auto posterior = sd_.vae->encode(image);
  const auto latents = sd_.vae->options.scaling_factor * posterior.sample(posterior_noise);
  const int64_t t = sd_.schedule->timesteps(options_.steps, options_.strength).front();
  const auto timestep = torch::tensor(t, torch::kLong);
  const auto noisy = sd_.schedule->add_noise(latents, add_noise, timestep);
  // UNet passes under T then That, in chunks of `batch` samples.
  const auto inputs = torch::cat({noisy, noisy});
  const auto texts = torch::cat({caption.expand({n, -1, -1}), caption_without_keyword.expand({n, -1, -1})});
  std::vector<torch::Tensor> eps;
  for (int64_t start = 0; start < 2 * n; start += options_.batch) {
    const int64_t size = std::min(options_.batch, 2 * n - start);
    eps.push_back(sd_.unet->forward(inputs.narrow(0, start, size), timestep, texts.narrow(0, start, size)));
  }
  const auto all = torch::cat(eps);
  DiffEditMask out;
  out.guidance = (all.narrow(0, 0, n) - all.narrow(0, n, n)).abs().to(torch::kFloat32).mean(std::vector<int64_t>{0, 1}).unsqueeze(0);
  const auto limit = options_.threshold_ratio * out.guidance.mean();
  out.normalized = torch::minimum(out.guidance.clamp_min(0), limit) / limit;
  out.mask = (out.normalized > 0.5).to(torch::kFloat32);
  return out;
}

torch::Tensor DiffEdit::image_mask(const torch::Tensor& image, const torch::Tensor& caption,
                                   const torch::Tensor& caption_without_keyword, uint64_t generator_seed) const {
  const int64_t h = image.size(1), w = image.size(2);
  const int64_t scale = int64_t(1) << (sd_.vae->options.block_channels.size() - 1);
  const int64_t ph = (scale - h % scale) % scale, pw = (scale - w % scale) % scale;
  const auto weight = sd_.unet->parameters().front();  // a copy: parameters() is a temporary
  const auto device = weight.device();
  const auto dtype = weight.scalar_type();
  const auto padded = torch::replication_pad2d(image.unsqueeze(0), {0, pw, 0, ph}).mul(2).sub(1).to(device, dtype);
  const int64_t lh = (h + ph) / scale, lw = (w + pw) / scale, c = sd_.vae->options.latent_channels;
  auto generator = at::detail::createCPUGenerator(generator_seed);
  const auto draw = [&] {
    return at::normal(0, 1, {options_.maps, c, lh, lw}, generator).to(device, dtype);
  };
  const auto posterior_noise = draw();
  const auto add = draw();
  const auto mask = latent_mask(padded, caption, caption_without_keyword, posterior_noise, add).mask;
  const auto up = mask.unsqueeze(0).repeat_interleave(scale, 2).repeat_interleave(scale, 3);
  return up[0].narrow(1, 0, h).narrow(2, 0, w).to(torch::kCPU);
}

}  // namespace tesg::sig

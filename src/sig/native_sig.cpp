#include "tesg/sig/native_sig.h"

#include <torch/torch.h>

#include <filesystem>

#include <dlfcn.h>

#include "bundled_paths.h"
#include "tesg/error.h"
#include "tesg/io/image.h"
#include "tesg/sig/diffedit.h"
#include "tesg/sig/models/blip.h"
#include "tesg/sig/tokenizers.h"

namespace tesg::sig {
namespace fs = std::filesystem;
namespace {

// The tokenizer vocabularies: installed beside the library (<prefix>/share/tesg/third_party),
// else in the source tree it was built from.
std::string third_party_dir() {
  Dl_info info;
  if (::dladdr(reinterpret_cast<void*>(&third_party_dir), &info) != 0 && info.dli_fname != nullptr) {
    const auto installed = fs::path(info.dli_fname).parent_path() / tesg::kInstalledThirdPartyFromLib;
    if (fs::is_directory(installed)) return installed.lexically_normal().string();
  }
  return tesg::kThirdPartyDir;
}

const std::string kThirdParty = third_party_dir();

torch::ScalarType dtype_of(const std::string& precision) {
  return precision == "fp16" ? torch::kFloat16 : precision == "bf16" ? torch::kBFloat16 : torch::kFloat32;
}

// A stable 64-bit hash of the pair's stem (FNV-1a), so noise does not depend on pair order.
uint64_t stem_seed(const std::string& stem, int64_t seed) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char c : stem) h = (h ^ c) * 1099511628211ull;
  return h ^ static_cast<uint64_t>(seed);
}

}  // namespace

bool uses_native_backends(const SigConfig& c) {
  return c.masker == "diffedit" || c.captioner == "blip" || c.text_encoder == "clip";
}

void check_backends(const SigConfig& c) {
  auto need_folder = [](const std::string& key, const std::string& dir, const std::string& why) {
    if (dir.empty() || !fs::is_directory(dir)) {
      throw ConfigError("sig." + key + ": '" + dir + "' is not a folder (needed by " + why + ")");
    }
  };
  if (c.masker == "diffedit") need_folder("sd_dir", c.sd_dir, "masker diffedit");
  if (c.text_encoder == "clip") need_folder("sd_dir", c.sd_dir, "text_encoder clip");
  if (c.captioner == "blip") need_folder("blip_dir", c.blip_dir, "captioner blip");
  if (c.masker == "file") need_folder("masks_dir", c.masks_dir, "masker file");
  if ((c.masker == "diffedit" || c.text_encoder == "clip") && c.captioner == "none") {
    throw ConfigError("sig.captioner: none, but masker diffedit and text_encoder clip need captions "
                      "(captioner blip or file)");
  }
  if (c.precision != "fp32" && torch::Device(c.device).is_cpu()) {
    throw ConfigError("sig.precision: '" + c.precision + "' needs sig.device cuda");
  }
  if (torch::Device(c.device).is_cuda() && !torch::cuda::is_available()) {
    throw ConfigError("sig.device: '" + c.device + "', but this build or machine has no CUDA device");
  }
}

struct NativeSig::Models {
  torch::Device device{torch::kCPU};
  torch::ScalarType dtype = torch::kFloat32;
  models::Blip blip{nullptr};
  std::unique_ptr<BertTokenizer> bert;
  std::unique_ptr<StableDiffusion> sd;
};

NativeSig::NativeSig(const SigConfig& config) : config_(config), models_(std::make_unique<Models>()) {
  check_backends(config_);
  auto& m = *models_;
  m.device = torch::Device(config_.device);
  m.dtype = dtype_of(config_.precision);
  if (config_.captioner == "blip") {
    m.blip = models::load_blip(config_.blip_dir);
    m.blip->to(m.device, m.dtype);
    const auto vocab = config_.blip_dir + "/vocab.txt";
    m.bert = std::make_unique<BertTokenizer>(fs::exists(vocab) ? vocab : kThirdParty + "/bert_tokenizer/vocab.txt");
  }
  if (config_.masker == "diffedit" || config_.text_encoder == "clip") {
    m.sd = std::make_unique<StableDiffusion>(StableDiffusion::load(config_.sd_dir, kThirdParty + "/clip_tokenizer"));
    m.sd->to(m.device, m.dtype);
  }
}

NativeSig::~NativeSig() = default;

std::string NativeSig::caption(const torch::Tensor& vi) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& m = *models_;
  if (!m.blip) throw ConfigError("sig.captioner: blip is not configured");
  const auto pixels = models::blip_pixel_values(io::to_uint8_hwc(vi), m.blip->options.image_size).to(m.device, m.dtype);
  models::GenerationOptions g;
  g.beams = config_.blip_beams;
  g.min_length = config_.blip_min_length;
  g.max_length = config_.blip_max_length;
  const auto prompt = config_.blip_prompt.empty() ? std::vector<int64_t>{} : m.bert->encode(config_.blip_prompt);
  const auto ids = m.blip->generate(pixels, prompt, g)[0].contiguous();
  return m.bert->decode(std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel()));
}

torch::Tensor NativeSig::mask(const data::FusionSample& s, const std::string& caption,
                              const std::string& caption_without_keyword) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& m = *models_;
  if (!m.sd) throw ConfigError("sig.masker: diffedit is not configured");
  if (caption == caption_without_keyword) return torch::zeros_like(s.ir);  // no key object named
  DiffEditOptions o;
  o.maps = config_.diffedit_maps;
  o.strength = config_.diffedit_strength;
  o.threshold_ratio = config_.diffedit_threshold_ratio;
  o.steps = config_.diffedit_steps;
  o.batch = config_.diffedit_batch;
  const DiffEdit diffedit(*m.sd, o);
  const uint64_t seed = stem_seed(s.stem, config_.seed);
  const auto with = m.sd->embed(caption), without = m.sd->embed(caption_without_keyword);
  const auto vi = diffedit.image_mask(s.vi, with, without, seed);
  const auto ir = diffedit.image_mask(s.ir.expand({3, -1, -1}), with, without, seed + 1);
  return torch::maximum(vi, ir);
}

torch::Tensor NativeSig::text(const std::string& caption) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& m = *models_;
  if (!m.sd) throw ConfigError("sig.text_encoder: clip is not configured");
  return m.sd->embed(caption)[0].to(torch::kCPU, torch::kFloat32);
}

}  // namespace tesg::sig

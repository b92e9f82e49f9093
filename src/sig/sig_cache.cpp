#include "tesg/sig/sig_cache.h"

#include <torch/torch.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tesg/error.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/image.h"
#include "tesg/io/json.h"

namespace tesg::sig {
namespace fs = std::filesystem;
namespace {

std::string manifest_text(const std::string& fingerprint) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "format" << YAML::Value << kSigCacheFormat
      << YAML::Key << "settings" << YAML::Value << fingerprint << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string sig_fingerprint(const SigConfig& c) {
  std::ostringstream s;
  s << "masker=" << c.masker;
  if (c.masker == "saliency") {
    s << "(blur_sigma=" << c.saliency_blur_sigma << ",threshold_k=" << c.saliency_threshold_k
      << ",open=" << c.saliency_open << ",close=" << c.saliency_close
      << ",min_area=" << c.saliency_min_area << ")";
  } else if (c.masker == "file") {
    s << "(" << c.masks_dir << ")";
  } else if (c.masker == "diffedit") {
    s << "(" << c.sd_dir << ",maps=" << c.diffedit_maps << ",strength=" << c.diffedit_strength
      << ",ratio=" << c.diffedit_threshold_ratio << ",steps=" << c.diffedit_steps << ",seed=" << c.seed << ",keywords=";
    for (size_t k = 0; k < c.keywords.size(); ++k) s << (k ? "|" : "") << c.keywords[k];
    s << ")";
  }
  s << " captioner=" << c.captioner;
  if (c.captioner == "file") s << "(" << c.captions_file << ")";
  if (c.captioner == "blip") {
    s << "(" << c.blip_dir << ",prompt='" << c.blip_prompt << "',beams=" << c.blip_beams << ",length="
      << c.blip_min_length << "-" << c.blip_max_length << ")";
  }
  s << " text_encoder=" << c.text_encoder;
  if (c.text_encoder == "clip") s << "(" << c.sd_dir << ")";
  if (c.masker == "diffedit" || c.captioner == "blip" || c.text_encoder == "clip") s << " precision=" << c.precision;
  return s.str();
}

std::string read_cache_fingerprint(const std::string& dir) {
  const auto manifest = fs::path(dir) / "manifest.yaml";
  if (!fs::exists(manifest)) {
    throw DataError(dir + ": not a SIG cache (no manifest.yaml; make one with tesg-sig)");
  }
  int64_t format = -1;
  std::string settings;
  try {
    const auto node = YAML::LoadFile(manifest.string());
    if (!node.IsMap()) throw DataError(manifest.string() + ": unreadable manifest: not a mapping");
    format = node["format"].as<int64_t>(-1);
    settings = node["settings"].as<std::string>("");
  } catch (const YAML::Exception& e) {
    throw DataError(manifest.string() + ": unreadable manifest: " + e.msg);
  }
  if (format != kSigCacheFormat) throw DataError(manifest.string() + ": unsupported SIG cache format");
  return settings;
}

SigCache::SigCache(std::string dir, std::string fingerprint, bool create)
    : dir_(std::move(dir)), fingerprint_(std::move(fingerprint)) {
  for (const auto& sub : {fs::path(dir_), fs::path(dir_) / "masks", fs::path(dir_) / "text"}) {
    io::remove_stale_temp_files(sub.string());
  }
  const auto manifest = fs::path(dir_) / "manifest.yaml";
  if (create && !fs::exists(manifest)) {
    fs::create_directories(fs::path(dir_) / "masks");
    fs::create_directories(fs::path(dir_) / "text");
    io::write_file_atomically(manifest.string(), manifest_text(fingerprint_));
    return;
  }
  const auto made_with = read_cache_fingerprint(dir_);
  if (made_with != fingerprint_) {
    throw DataError(dir_ + ": SIG cache made with '" + made_with + "', but the config asks for '" +
                    fingerprint_ + "' (remake it with tesg-sig, or point sig.cache elsewhere)");
  }
}

std::string SigCache::path(const std::string& sub, const std::string& stem,
                           const std::string& ext) const {
  return (fs::path(dir_) / sub / (stem + ext)).string();
}

bool SigCache::has_mask(const std::string& stem) const {
  return fs::exists(path("masks", stem, ".png"));
}

void SigCache::write_mask(const std::string& stem, const torch::Tensor& mask) const {
  io::write_png(path("masks", stem, ".png"), mask);
}

torch::Tensor SigCache::read_mask(const std::string& stem, int64_t h, int64_t w) const {
  const auto file = path("masks", stem, ".png");
  if (!fs::exists(file)) throw DataError(file + ": no mask for pair '" + stem + "' in the SIG cache");
  const auto mask = io::read_infrared(file);
  if (mask.size(1) != h || mask.size(2) != w) {
    throw DataError(file + ": mask " + std::to_string(mask.size(2)) + "x" +
                    std::to_string(mask.size(1)) + " != pair " + std::to_string(w) + "x" +
                    std::to_string(h));
  }
  return (mask > 0.5).to(torch::kFloat32);
}

bool SigCache::has_text(const std::string& stem) const {
  return fs::exists(path("text", stem, ".pt"));
}

void SigCache::write_text(const std::string& stem, const torch::Tensor& ft) const {
  const auto half = ft.detach().to(torch::kCPU, torch::kHalf).contiguous();
  io::write_atomically(path("text", stem, ".pt"),
                       [&](const std::string& temp) { torch::save(half, temp); });
}

torch::Tensor SigCache::read_text(const std::string& stem) const {
  const auto file = path("text", stem, ".pt");
  if (!fs::exists(file)) throw DataError(file + ": no text semantics for pair '" + stem + "'");
  torch::Tensor ft;
  try {
    torch::load(ft, file);
  } catch (const c10::Error&) {
    throw DataError(file + ": unreadable text semantics (corrupt file)");
  }
  return ft.to(torch::kFloat32);
}

std::map<std::string, CaptionRecord> SigCache::read_captions() const {
  const auto file = (fs::path(dir_) / "captions.jsonl").string();
  std::map<std::string, CaptionRecord> records;
  std::ifstream in(file);
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      CaptionRecord r{j.at("stem").get<std::string>(), j.at("caption").get<std::string>(),
                      j.at("caption_without_keyword").get<std::string>(), j.at("keyword").get<std::string>()};
      records[r.stem] = r;
    } catch (const nlohmann::json::exception& e) {
      throw DataError(file + ":" + std::to_string(line_number) + ": malformed caption record: " + e.what());
    }
  }
  return records;
}

void SigCache::write_captions(const std::vector<CaptionRecord>& records) const {
  std::string text;
  for (const auto& r : records) {
    text += "{\"stem\": " + io::json_string(r.stem) + ", \"caption\": " +
            io::json_string(r.caption) + ", \"caption_without_keyword\": " +
            io::json_string(r.caption_without_keyword) + ", \"keyword\": " +
            io::json_string(r.keyword) + ", \"backends\": " + io::json_string(fingerprint_) +
            "}\n";
  }
  io::write_file_atomically((fs::path(dir_) / "captions.jsonl").string(), text);
}

}  // namespace tesg::sig

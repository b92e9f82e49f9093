#include "tesg/train/provenance.h"

#include <torch/version.h>

#include <cstdio>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "git_revision.h"
#include "tesg/error.h"
#include "tesg/io/fnv1a.h"
#include "tesg/version.h"

namespace tesg::train {

namespace fs = std::filesystem;

std::string pair_list_line(const std::string& folder, const std::string& ir, const std::string& vi) {
  return fs::relative(ir, folder).generic_string() + "\t" + fs::relative(vi, folder).generic_string() + "\n";
}

std::string list_hash(const std::string& pair_list) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(io::fnv1a_64(pair_list)));
  return hex;
}

DataSource data_source(const std::string& folder, const std::vector<data::ImagePair>& pairs) {
  std::string list;
  for (const auto& pair : pairs) list += pair_list_line(folder, pair.ir, pair.vi);
  return {folder, static_cast<int64_t>(pairs.size()), list_hash(list)};
}

Provenance this_build() {
  Provenance p;
  p.git_commit = TESG_GIT_COMMIT;
  p.git_dirty = TESG_GIT_DIRTY != 0;
  p.tesg_version = version();
  p.torch_version = TORCH_VERSION;
#ifdef TESG_TORCH_CUDA
  p.torch_version += "+cuda";
#endif
  return p;
}

std::string to_json(const Provenance& p) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& d : p.data) data.push_back({{"folder", d.folder}, {"pairs", d.pairs}, {"list_hash", d.list_hash}});
  const nlohmann::json j = {{"data", data},
                            {"git_commit", p.git_commit},
                            {"git_dirty", p.git_dirty},
                            {"tesg_version", p.tesg_version},
                            {"torch_version", p.torch_version},
                            {"train_seconds", p.train_seconds},
                            {"recorded", p.recorded}};
  return j.dump();
}

Provenance provenance_from_json(const std::string& json, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(json);
    Provenance p;
    for (const auto& d : j.at("data")) {
      p.data.push_back({d.at("folder").get<std::string>(), d.at("pairs").get<int64_t>(),
                        d.at("list_hash").get<std::string>()});
    }
    p.git_commit = j.at("git_commit").get<std::string>();
    p.git_dirty = j.at("git_dirty").get<bool>();
    p.tesg_version = j.at("tesg_version").get<std::string>();
    p.torch_version = j.at("torch_version").get<std::string>();
    p.train_seconds = j.at("train_seconds").get<double>();
    p.recorded = j.at("recorded").get<std::string>();
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(source + ": unreadable provenance (" + e.what() + ")");
  }
}

std::string describe(const Provenance& p) {
  if (p.recorded.empty()) return "provenance: not recorded (a checkpoint of tesg before 0.5.0)\n";
  std::string text = "provenance: " + p.recorded + "\n";
  for (const auto& d : p.data) {
    text += "data: " + d.folder + " (" + std::to_string(d.pairs) + " pairs, list hash " + d.list_hash + ")\n";
  }
  text += "git commit: " + p.git_commit + (p.git_dirty ? " (with uncommitted changes)" : "") + "\n";
  text += "tesg: " + p.tesg_version + ", LibTorch " + p.torch_version + "\n";
  char minutes[32];
  std::snprintf(minutes, sizeof minutes, "%.1f", p.train_seconds / 60.0);
  text += "training time: " + std::string(minutes) + " min\n";
  return text;
}

}  // namespace tesg::train

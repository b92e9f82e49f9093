#include "tesg/train/run_folder.h"

#include <filesystem>
#include <sstream>

#include "tesg/error.h"
#include "tesg/io/read_file.h"

namespace tesg::train {
namespace fs = std::filesystem;
namespace {

// `other` with the keys that describe the machine, not the run, taken from `config`.
Config with_machine_keys_of(Config other, const Config& config) {
  other.train.threads = config.train.threads;
  other.train.device = config.train.device;
  other.train.dist_timeout_s = config.train.dist_timeout_s;
  other.train.resume = config.train.resume;
  other.output = config.output;
  other.fuse = config.fuse;
  return other;
}

// The first line where two YAML texts differ, as "here | there".
std::string first_difference(const std::string& here, const std::string& there) {
  std::istringstream a(here), b(there);
  std::string line_a, line_b;
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) return "";
    if (!more_a) line_a = "(nothing)";
    if (!more_b) line_b = "(nothing)";
    if (line_a != line_b) return "'" + line_a + "' here, '" + line_b + "' there";
  }
}

void check_same_run(const Config& config, const fs::path& saved) {
  std::string problem;
  const auto text = io::read_file(saved.string(), problem);
  if (!text) return;  // no run here yet
  const auto mine = to_yaml(config);
  const auto theirs = to_yaml(with_machine_keys_of(parse_config(*text, saved.string()), config));
  if (mine == theirs) return;
  throw ConfigError(saved.string() + ": output.dir holds the run of another config (" +
                    first_difference(mine, theirs) +
                    "); choose another output.dir, or set train.resume: never to start it over");
}

}  // namespace

std::string checkpoint_to_resume(const Config& config) {
  const auto& resume = config.train.resume;
  if (resume == "never") return "";
  if (resume != "auto") return resume;
  const auto dir = fs::path(config.output.dir);
  check_same_run(config, dir / "config.yaml");
  const auto last = dir / "last.pt";
  return fs::exists(last) ? last.string() : "";
}

}  // namespace tesg::train

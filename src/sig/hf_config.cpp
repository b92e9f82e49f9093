#include "tesg/sig/hf_config.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "tesg/error.h"

namespace tesg::sig {

struct HfConfig::Json {
  nlohmann::json value;
};

HfConfig::HfConfig(std::string source, std::unique_ptr<Json> json)
    : source_(std::move(source)), json_(std::move(json)) {}
HfConfig::~HfConfig() = default;
HfConfig::HfConfig(const HfConfig& other)
    : source_(other.source_), json_(std::make_unique<Json>(*other.json_)) {}

HfConfig HfConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CheckpointError(path + ": cannot open the model config");
  auto json = std::make_unique<Json>();
  try {
    in >> json->value;
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": not a JSON config: " + e.what());
  }
  if (!json->value.is_object()) throw CheckpointError(path + ": not a JSON object");
  return HfConfig(path, std::move(json));
}

bool HfConfig::has(const std::string& key) const {
  return json_->value.contains(key) && !json_->value.at(key).is_null();
}

HfConfig HfConfig::section(const std::string& key) const {
  auto json = std::make_unique<Json>();
  json->value = has(key) ? json_->value.at(key) : nlohmann::json::object();
  return HfConfig(source_ + " [" + key + "]", std::move(json));
}

namespace {

template <class T>
T read(const nlohmann::json& object, const std::string& key, const T& fallback,
       const std::string& source, const char* expected) {
  if (!object.contains(key) || object.at(key).is_null()) return fallback;
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError(source + ": " + key + ": expected " + expected + ", got " +
                          object.at(key).dump());
  }
}

}  // namespace

int64_t HfConfig::integer(const std::string& key, int64_t fallback) const {
  if (has(key) && !json_->value.at(key).is_number_integer()) {
    throw CheckpointError(source_ + ": " + key + ": expected an integer, got " + json_->value.at(key).dump());
  }
  return read(json_->value, key, fallback, source_, "an integer");
}
double HfConfig::number(const std::string& key, double fallback) const {
  return read(json_->value, key, fallback, source_, "a number");
}
bool HfConfig::boolean(const std::string& key, bool fallback) const {
  return read(json_->value, key, fallback, source_, "true or false");
}
std::string HfConfig::string(const std::string& key, const std::string& fallback) const {
  return read(json_->value, key, fallback, source_, "a string");
}
std::vector<int64_t> HfConfig::integers(const std::string& key, const std::vector<int64_t>& fallback) const {
  if (has(key) && json_->value.at(key).is_number_integer()) {  // diffusers allows one int for all
    return {json_->value.at(key).get<int64_t>()};
  }
  return read(json_->value, key, fallback, source_, "a list of integers");
}
std::vector<std::string> HfConfig::strings(const std::string& key,
                                           const std::vector<std::string>& fallback) const {
  return read(json_->value, key, fallback, source_, "a list of strings");
}

namespace {

void require_size(int64_t value, const std::string& key, const std::string& source) {
  if (value < 1 || value > HfConfig::kMaxSize) {
    throw CheckpointError(source + ": " + key + ": expected a size in 1.." +
                          std::to_string(HfConfig::kMaxSize) + ", got " + std::to_string(value));
  }
}

}  // namespace

int64_t HfConfig::size(const std::string& key, int64_t fallback) const {
  const auto value = integer(key, fallback);
  require_size(value, key, source_);
  return value;
}

std::vector<int64_t> HfConfig::sizes(const std::string& key, const std::vector<int64_t>& fallback) const {
  const auto values = integers(key, fallback);
  if (values.empty()) throw CheckpointError(source_ + ": " + key + ": expected at least one size");
  for (const auto v : values) require_size(v, key, source_);
  return values;
}

void HfConfig::require_multiple(int64_t value, int64_t divisor, const std::string& what) const {
  if (value % divisor != 0) {
    throw CheckpointError(source_ + ": " + what + ": " + std::to_string(value) +
                          " is not a multiple of " + std::to_string(divisor));
  }
}

void HfConfig::require_range(const std::string& key, double value, double lo, double hi) const {
  if (!(value >= lo && value <= hi)) {
    std::ostringstream s;
    s << source_ << ": " << key << ": expected " << lo << ".." << hi << ", got " << value;
    throw CheckpointError(s.str());
  }
}

void HfConfig::require_one_of(const std::string& key, const std::vector<std::string>& supported) const {
  if (!has(key)) return;
  const auto& v = json_->value.at(key);
  const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  for (const auto& s : supported) {
    if (s == text) return;
  }
  std::string list;
  for (const auto& s : supported) list += (list.empty() ? "" : " | ") + s;
  throw CheckpointError(source_ + ": " + key + ": '" + text + "' is not supported (supported: " + list + ")");
}

}  // namespace tesg::sig

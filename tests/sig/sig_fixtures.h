#pragma once
// The SIG golden fixtures: $TESG_SIG_FIXTURES, else shared/fixtures/sig beside the checkout. Any
// fixture set in the same format can be checked with the same test binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "support.h"
#include "tesg/sig/safetensors.h"

namespace tesg::test {

inline std::string sig_fixtures() {
  const char* env = std::getenv("TESG_SIG_FIXTURES");
  return env ? env : shared_dir() + "/fixtures/sig";
}

/// Expects |actual - expected| <= atol + rtol |expected| everywhere, naming the worst element.
inline void expect_close(const torch::Tensor& actual, const torch::Tensor& expected, double atol,
                         double rtol, const std::string& what) {
  ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
  const auto a = actual.to(torch::kFloat64), e = expected.to(torch::kFloat64);
  const auto excess = (a - e).abs() - (atol + rtol * e.abs());
  const auto worst = excess.max().item<double>();
  EXPECT_LE(worst, 0) << what << ": max abs error " << (a - e).abs().max().item<double>();
}

/// An integer of a fixture model's config.json (`model` is the fixture folder, e.g. "unet"):
/// tests take every size from there, so that they hold on any fixture set.
inline int64_t fixture_config_int(const std::string& model, const std::string& key) {
  std::ifstream in(sig_fixtures() + "/" + model + "/config.json");
  return nlohmann::json::parse(in).at(key).get<int64_t>();
}

/// Writes `to` as the config.json `from` with `key` set to `json_value` (JSON text), for the
/// error tests.
inline void write_config_with(const std::string& from, const std::string& to, const std::string& key,
                              const std::string& json_value) {
  std::ifstream in(from);
  auto config = nlohmann::json::parse(in);
  config[key] = nlohmann::json::parse(json_value);
  std::ofstream(to) << config.dump(2);
}

/// Writes a safetensors file of F32/I64 tensors (for error tests).
inline void write_safetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                              int64_t truncate_to = -1) {
  std::string header = "{", data;
  for (const auto& [name, t] : tensors) {
    const auto c = t.contiguous();
    std::string shape;
    for (int64_t k = 0; k < c.dim(); ++k) shape += (k ? "," : "") + std::to_string(c.size(k));
    const char* dtype = c.scalar_type() == torch::kLong ? "I64" : "F32";
    header += std::string(header.size() > 1 ? "," : "") + "\"" + name + "\":{\"dtype\":\"" + dtype +
              "\",\"shape\":[" + shape + "],\"data_offsets\":[" + std::to_string(data.size()) + "," +
              std::to_string(data.size() + c.nbytes()) + "]}";
    data.append(static_cast<const char*>(c.data_ptr()), c.nbytes());
  }
  header += "}";
  while (header.size() % 8) header += ' ';
  std::string bytes(8, '\0');
  for (int k = 0; k < 8; ++k) bytes[k] = static_cast<char>((uint64_t(header.size()) >> (8 * k)) & 0xff);
  bytes += header + data;
  if (truncate_to >= 0) bytes.resize(static_cast<size_t>(truncate_to));
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace tesg::test

/// Skips when the fixtures folder is absent (a user's clone without shared/).
#define TESG_REQUIRE_SIG_FIXTURES()                                                          \
  do {                                                                                       \
    if (!std::filesystem::is_directory(::tesg::test::sig_fixtures())) {                     \
      GTEST_SKIP() << "SIG fixtures not found at " << ::tesg::test::sig_fixtures()           \
                   << " (set TESG_SIG_FIXTURES)";                                            \
    }                                                                                        \
  } while (0)

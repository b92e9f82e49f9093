// Fuzzes the YAML training/fusion config: the file (up to the first NUL byte) and `--set`
// overrides (the following lines). An accepted config must survive a round trip through to_yaml.
#include <sstream>

#include "fuzz_input.h"
#include "tesg/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  std::vector<std::string> overrides;
  if (split != std::string::npos) {
    std::istringstream lines(input.substr(split + 1));
    for (std::string line; std::getline(lines, line);) overrides.push_back(line);
  }
  fuzz::expect_only_tesg_errors([&] {
    const auto config = parse_config(input.substr(0, split), "fuzz.yaml", overrides);
    const auto yaml = to_yaml(config);
    fuzz::check(to_yaml(parse_config(yaml, "round trip", {})) == yaml, "config changes in a YAML round trip");
  });
  return 0;
}

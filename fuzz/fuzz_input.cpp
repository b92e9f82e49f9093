#include "fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tesg::fuzz {

std::string scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    const auto path = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                      ("tesg-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path.string();
  }();
  return dir;
}

std::string write_input(const std::string& name, const std::string& bytes) {
  const auto path = scratch_dir() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  return write_input(name, std::string(reinterpret_cast<const char*>(data), size));
}

void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace tesg::fuzz

#include "tesg/io/read_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace tesg::io {

std::optional<std::string> read_file(const std::string& path, std::string& problem) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    problem = "no such file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    problem = "cannot read the file";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace tesg::io

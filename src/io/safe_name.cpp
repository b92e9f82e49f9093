#include "tesg/io/safe_name.h"

#include <cctype>

namespace tesg::io {

std::string safe_file_name(const std::string& name) {
  std::string file = name;
  for (auto& c : file) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+') c = '_';
  }
  return file;
}

}  // namespace tesg::io

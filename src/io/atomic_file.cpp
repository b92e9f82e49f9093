#include "tesg/io/atomic_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tesg/error.h"

namespace tesg::io {

void write_atomically(const std::string& path,
                      const std::function<void(const std::string& temp_path)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  // Same folder as the target so the rename never crosses file systems.
  const fs::path temp = target.parent_path() /
                        ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
  try {
    write(temp.string());
    fs::rename(temp, target);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw Error(path + ": cannot write: " + e.what());
  }
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_atomically(path, [&](const std::string& temp_path) {
    std::ofstream out(temp_path, std::ios::binary);
    if (!out.is_open()) {
      throw std::runtime_error("cannot create file (missing folder or no permission?)");
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("write failed (disk full?)");
  });
}

}  // namespace tesg::io

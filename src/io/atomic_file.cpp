#include "tesg/io/atomic_file.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <filesystem>
#include <fstream>

#include "tesg/error.h"
#include "tesg/fault.h"

namespace tesg::io {
namespace {

constexpr const char* kTempMarker = ".tmp.";

std::string temp_name(const std::string& filename) {
  return "." + filename + kTempMarker + std::to_string(::getpid());
}

// The process id in a temp file name ".NAME.tmp.PID" or ".NAME.tmp.PID.EXT", or 0 when the name
// is not one.
long temp_owner(const std::string& name) {
  const auto marker = name.rfind(kTempMarker);
  if (name.empty() || name[0] != '.' || marker == std::string::npos) return 0;
  std::string digits = name.substr(marker + std::char_traits<char>::length(kTempMarker));
  digits = digits.substr(0, digits.find('.'));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::strtol(digits.c_str(), nullptr, 10);
}

bool process_gone(long pid) {
  return pid == ::getpid() || (::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH);
}

}  // namespace

std::string temp_path_keeping_extension(const std::string& path) {
  const std::filesystem::path target(path);
  return (target.parent_path() / (temp_name(target.filename().string()) + target.extension().string())).string();
}

void write_atomically(const std::string& path,
                      const std::function<void(const std::string& temp_path)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  // Same folder as the target so the rename never crosses file systems.
  const fs::path temp = target.parent_path() / temp_name(target.filename().string());
  try {
    write(temp.string());
    fault_point("atomic_write");
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

int remove_stale_temp_files(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  int removed = 0;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const long pid = temp_owner(entry.path().filename().string());
    if (pid > 0 && entry.is_regular_file(error) && process_gone(pid) && fs::remove(entry.path(), error)) {
      ++removed;
    }
  }
  return removed;
}

}  // namespace tesg::io

#pragma once
// Helpers shared by the tests.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <torch/cuda.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "tesg/io/read_file.h"

namespace tesg::test {

/// The shared material folder (real datasets, fixtures): $TESG_SHARED_DIR, else ../shared
/// beside the checkout.
inline std::string shared_dir() {
  const char* env = std::getenv("TESG_SHARED_DIR");
  return env ? env : TESG_DEFAULT_SHARED_DIR;
}

/// Path of a file under shared/data.
inline std::string shared_data(const std::string& relative) {
  return shared_dir() + "/data/" + relative;
}

/// Exit code and combined stdout + stderr of a command.
using CommandResult = std::pair<int, std::string>;

/// Runs `binary args` through the shell, as a user would from a terminal.
inline CommandResult run_command(const std::string& binary, const std::string& args) {
  const std::string command = binary + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  return {WEXITSTATUS(::pclose(pipe)), output};
}

/// The content of the file at `path`, "" when it cannot be read.
inline std::string file_content(const std::string& path) {
  std::string problem;
  return io::read_file(path, problem).value_or("");
}

/// Every file under `a` but those named `ignored` (e.g. holding timings) is under `b` with the
/// same bytes, and `a` holds at least one.
inline void expect_same_files(const std::string& a, const std::string& b, const std::string& ignored = "") {
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(a)) {
    if (!e.is_regular_file() || e.path().filename() == ignored) continue;
    const auto relative = std::filesystem::relative(e.path(), a).string();
    EXPECT_EQ(file_content(e.path().string()), file_content(b + "/" + relative)) << relative;
    ++files;
  }
  EXPECT_GT(files, 0) << a << " is empty";
}

/// A fresh empty folder under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    auto pattern = (std::filesystem::temp_directory_path() / "tesg_test_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace tesg::test

/// Skips the current test, with the reason shown, when the shared data folder is absent (a
/// user's fresh clone). CI always has it.
#define TESG_REQUIRE_SHARED_DATA()                                                    \
  do {                                                                                \
    if (!std::filesystem::is_directory(::tesg::test::shared_dir() + "/data")) {       \
      GTEST_SKIP() << "shared data not found at " << ::tesg::test::shared_dir()       \
                   << "/data (set TESG_SHARED_DIR)";                                 \
    }                                                                                 \
  } while (0)

/// Skips the current test, with the reason shown, on a build or machine without a CUDA device
/// (this CPU machine and CI); scripts/gpu_check.sh runs these tests on a GPU.
#define TESG_REQUIRE_CUDA_DEVICE(count)                                               \
  do {                                                                                \
    const auto devices = torch::cuda::is_available() ? torch::cuda::device_count() : 0; \
    if (devices < static_cast<size_t>(count)) {                                       \
      GTEST_SKIP() << "needs " << (count) << " CUDA device(s), this build and machine " \
                   << "have " << devices;                                             \
    }                                                                                 \
  } while (0)

/// EXPECT that `statement` throws `type` whose message contains `substring`.
#define EXPECT_THROW_WITH(statement, type, substring)                                 \
  do {                                                                                \
    try {                                                                             \
      statement;                                                                      \
      ADD_FAILURE() << "expected " #type " containing \"" << (substring) << "\"";     \
    } catch (const type& e) {                                                         \
      EXPECT_NE(std::string(e.what()).find(substring), std::string::npos)             \
          << "message: " << e.what();                                                 \
    }                                                                                 \
  } while (0)

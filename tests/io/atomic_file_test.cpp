#include "tesg/io/atomic_file.h"
#include "tesg/io/read_file.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support.h"
#include "tesg/error.h"

namespace tesg::io {
namespace {

TEST(ReadFileTest, GivesTheWholeContentOrSaysWhyNot) {
  test::TempDir dir;
  const std::string bytes("a\0b\r\n\xff", 6);
  write_file_atomically(dir / "a.bin", bytes);
  std::string problem;
  EXPECT_EQ(read_file(dir / "a.bin", problem), bytes);
  EXPECT_EQ(read_file(dir / "missing.bin", problem), std::nullopt);
  EXPECT_EQ(problem, "no such file");
  EXPECT_EQ(read_file(dir.path(), problem), std::nullopt);  // a folder
  EXPECT_EQ(problem, "no such file");
}

TEST(AtomicFileTest, ReplacesContentWhole) {
  test::TempDir dir;
  write_file_atomically(dir / "a.bin", "first");
  write_file_atomically(dir / "a.bin", "second");
  EXPECT_EQ(test::file_content(dir / "a.bin"), "second");
}

TEST(AtomicFileTest, WriterFailureKeepsOldFileAndRemovesTemporary) {
  test::TempDir dir;
  write_file_atomically(dir / "a.bin", "precious");
  EXPECT_THROW_WITH(write_atomically(dir / "a.bin",
                                     [](const std::string& temp) {
                                       std::ofstream(temp) << "half";
                                       throw std::runtime_error("interrupted");
                                     }),
                    Error, "a.bin: cannot write: interrupted");
  EXPECT_EQ(test::file_content(dir / "a.bin"), "precious");
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileTest, TemporaryPathKeepsTheExtension) {
  const auto temp = temp_path_keeping_extension("/out/dir/clip.mp4");
  EXPECT_EQ(temp, "/out/dir/.clip.mp4.tmp." + std::to_string(::getpid()) + ".mp4");
  EXPECT_EQ(temp_path_keeping_extension("clip"), ".clip.tmp." + std::to_string(::getpid()));
}

TEST(AtomicFileTest, StaleTemporariesOfDeadProcessesAreRemoved) {
  test::TempDir dir;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a process id that is gone
  const auto dead = dir / ("." + std::string("a.png.tmp.") + std::to_string(child));
  const auto alive = dir / ("." + std::string("b.png.tmp.") + std::to_string(::getppid()));
  // A video's temporary keeps its extension (the writer picks the container by it).
  const auto dead_video = dir / ("." + std::string("v.mp4.tmp.") + std::to_string(child) + ".mp4");
  for (const auto& f : {dead, dead_video, alive, dir / ".hidden", dir / ".c.tmp.x1", dir / "d.png"}) {
    std::ofstream(f) << "x";
  }
  EXPECT_EQ(remove_stale_temp_files(dir.path()), 2);
  EXPECT_FALSE(std::filesystem::exists(dead));
  EXPECT_FALSE(std::filesystem::exists(dead_video));
  for (const auto& f : {alive, dir / ".hidden", dir / ".c.tmp.x1", dir / "d.png"}) {
    EXPECT_TRUE(std::filesystem::exists(f)) << f;
  }
  EXPECT_EQ(remove_stale_temp_files(dir / "missing"), 0);
}

}  // namespace
}  // namespace tesg::io

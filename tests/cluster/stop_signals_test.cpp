// Stop signals and torchrun's error file. Signal handlers are installed in forked children only,
// so that the test process keeps its own signal dispositions.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "support.h"
#include "tesg/cluster/error_file.h"
#include "tesg/cluster/stop_signals.h"

namespace tesg::cluster {
namespace {

// Runs `body` in a child process; returns its wait status.
template <class Body>
int in_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(StopSignals, TheFirstSignalIsRecordedNotFatal) {
  for (const int signal : {SIGTERM, SIGUSR1, SIGINT}) {
    const int status = in_child([signal] {
      install_stop_handlers();
      if (stop_signal() != 0) return 3;
      ::raise(signal);
      return stop_signal() == signal ? 0 : 4;
    });
    ASSERT_TRUE(WIFEXITED(status)) << signal_name(signal) << " killed the process";
    EXPECT_EQ(WEXITSTATUS(status), 0) << signal_name(signal);
  }
}

TEST(StopSignals, ASecondSignalStopsAtOnceButAForwardedCopyDoesNot) {
  const int status = in_child([] {
    install_stop_handlers();
    ::raise(SIGTERM);
    ::raise(SIGUSR1);  // within a second: the same request passed on by a launcher
    if (stop_signal() != SIGTERM) return 3;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ::raise(SIGINT);  // a person insisting
    return 0;
  });
  ASSERT_TRUE(WIFSIGNALED(status)) << "survived the second signal, exit " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGINT);
}

TEST(StopSignals, Names) {
  EXPECT_STREQ(signal_name(SIGUSR1), "SIGUSR1");
  EXPECT_STREQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_STREQ(signal_name(SIGINT), "SIGINT");
}

// Sets an environment variable for the scope of a test.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedVariable() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(ErrorFile, WrittenInTheFormatTorchrunReads) {
  test::TempDir dir;
  const auto path = dir / "error.json";
  {
    ScopedVariable variable("TORCHELASTIC_ERROR_FILE", path);
    write_error_file("configs/x.yaml:3: train.lr: expected a number");
  }
  const auto error = nlohmann::json::parse(test::file_content(path));
  EXPECT_EQ(error["message"]["message"], "configs/x.yaml:3: train.lr: expected a number");
  EXPECT_EQ(error["message"]["extraInfo"]["py_callstack"], "configs/x.yaml:3: train.lr: expected a number");
  EXPECT_GT(std::stoll(error["message"]["extraInfo"]["timestamp"].get<std::string>()), 1'600'000'000);
}

TEST(ErrorFile, NothingWithoutTheVariableAndNoThrowOnAnUnwritablePath) {
  ::unsetenv("TORCHELASTIC_ERROR_FILE");
  EXPECT_NO_THROW(write_error_file("x"));
  ScopedVariable variable("TORCHELASTIC_ERROR_FILE", "/nonexistent/folder/error.json");
  EXPECT_NO_THROW(write_error_file("x"));
}

}  // namespace
}  // namespace tesg::cluster

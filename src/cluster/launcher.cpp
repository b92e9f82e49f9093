#include "tesg/cluster/launcher.h"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>

#include "tesg/cluster/rank_environment.h"
#include "tesg/cluster/stop_signals.h"
#include "tesg/error.h"

extern char** environ;

namespace tesg::cluster {
namespace {

std::atomic<int> pending_signal{0};

void remember_signal(int signal) { pending_signal = signal; }

// SIGTERM, SIGUSR1 and SIGINT reach the launcher and are passed on to every rank (a rank that got
// one directly too takes the copy for the same request, cluster/stop_signals.h). No SA_RESTART:
// the signal interrupts wait() so that it is passed on at once.
void forward_stop_signals() {
  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal : {SIGTERM, SIGUSR1, SIGINT}) ::sigaction(signal, &action, nullptr);
}

std::string describe(int status) {
  return WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                           : "signal " + std::to_string(WTERMSIG(status));
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> rank_variables(int rank, int nproc, int port) {
  const std::map<std::string, std::string> set = {
      {"RANK", std::to_string(rank)},     {"LOCAL_RANK", std::to_string(rank)},
      {"WORLD_SIZE", std::to_string(nproc)}, {"LOCAL_WORLD_SIZE", std::to_string(nproc)},
      {"MASTER_ADDR", "127.0.0.1"},
      {"MASTER_PORT", std::to_string(port)}};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (!set.count(entry.substr(0, entry.find('=')))) env.push_back(entry);
  }
  for (const auto& [k, v] : set) env.push_back(k + "=" + v);
  return env;
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw Error("cannot find a free TCP port for the rendezvous");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::optional<int> run_local_ranks_if_asked(int argc, char** argv, int nproc) {
  if (nproc <= 1 || rank_environment().launcher != "none") return std::nullopt;
  return run_local_ranks(std::vector<std::string>(argv, argv + argc), nproc);
}

int run_local_ranks(const std::vector<std::string>& argv, int nproc) {
  const int port = free_port();
  forward_stop_signals();
  std::map<pid_t, int> ranks;
  for (int rank = 0; rank < nproc; ++rank) {
    auto args = argv;
    auto env = rank_variables(rank, nproc, port);
    auto c_args = c_strings(args), c_env = c_strings(env);
    pid_t pid = 0;
    if (::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, c_args.data(), c_env.data()) != 0) {
      throw Error("cannot start rank " + std::to_string(rank) + ": " + std::strerror(errno));
    }
    ranks[pid] = rank;
  }
  int result = 0;
  while (!ranks.empty()) {
    int status = 0;
    const pid_t pid = ::wait(&status);
    if (pid < 0 && errno == EINTR) {
      if (const int signal = pending_signal.exchange(0)) {
        for (const auto& [other, r] : ranks) ::kill(other, signal);
      }
      continue;
    }
    if (pid < 0) break;
    const int rank = ranks[pid];
    ranks.erase(pid);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    if (code == kExitStoppedBySignal && result == 0) {
      result = code;  // stopped on a signal, its state saved: the others are stopping too
    } else if (code != 0 && (result == 0 || result == kExitStoppedBySignal)) {
      result = code;
      spdlog::error("rank {} failed ({}); stopping the other ranks", rank, describe(status));
      for (const auto& [other, r] : ranks) ::kill(other, SIGTERM);
    }
  }
  return result;
}

}  // namespace tesg::cluster

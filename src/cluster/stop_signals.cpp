#include "tesg/cluster/stop_signals.h"

#include <signal.h>
#include <time.h>

#include <atomic>
#include <cstdint>

namespace tesg::cluster {
namespace {

// A signal this soon after the first is the same request delivered twice (a launcher forwarding
// what the scheduler also sent to the whole job), not a person insisting.
constexpr int64_t kRepeatMs = 1000;

std::atomic<int> received{0};
std::atomic<int64_t> received_at_ms{0};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<int64_t>::is_always_lock_free,
              "read and written in a signal handler");

int64_t monotonic_ms() {  // clock_gettime is async-signal-safe
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

void on_stop_signal(int signal) {
  const int64_t now = monotonic_ms();
  int none = 0;
  if (received.compare_exchange_strong(none, signal)) {  // the first: stop cleanly
    received_at_ms = now;
    return;
  }
  if (now - received_at_ms < kRepeatMs) return;
  ::signal(signal, SIG_DFL);  // a second one: stop now
  ::raise(signal);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // blocking reads and collectives carry on
  for (const int signal : {SIGTERM, SIGUSR1, SIGINT}) ::sigaction(signal, &action, nullptr);
}

int stop_signal() { return received.load(); }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return "a signal";
  }
}

}  // namespace tesg::cluster

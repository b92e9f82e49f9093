#pragma once
// Progress lines for long jobs (items, rate, ETA) through spdlog, at most one per interval.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace tesg {

class Progress {
 public:
  /// `what` names the items ("pairs"); a line is logged at most every `interval_s` seconds
  /// and always for the last item. `total` <= 0: unknown (a live stream), no ETA.
  Progress(std::string what, int64_t total, double interval_s = 2.0);
  /// Counts `n` more finished items; thread-safe.
  void advance(int64_t n = 1);
  int64_t done() const { return done_; }
  double elapsed_s() const;

 private:
  std::string what_;
  int64_t total_, done_ = 0;
  double interval_s_;
  std::chrono::steady_clock::time_point start_, last_log_;
  std::mutex mutex_;
};

/// "1h02m", "3m05s", "12s".
std::string format_duration(double seconds);

}  // namespace tesg

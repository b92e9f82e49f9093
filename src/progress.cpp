#include "tesg/progress.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tesg/fault.h"

namespace tesg {

Progress::Progress(std::string what, int64_t total, double interval_s)
    : what_(std::move(what)), total_(total), interval_s_(interval_s),
      start_(std::chrono::steady_clock::now()), last_log_(start_) {}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(int64_t n) {
  fault_point("progress");
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  const bool last = total_ > 0 && done_ >= total_;
  if (!last && std::chrono::duration<double>(now - last_log_).count() < interval_s_) return;
  last_log_ = now;
  const double elapsed = elapsed_s();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  if (total_ <= 0) {
    spdlog::info("{} {} {:.2f}/s", what_, done_, rate);
    return;
  }
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
  spdlog::info("{} {}/{} {:.2f}/s eta {}", what_, done_, total_, rate, format_duration(eta));
}

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof(text), "%ldh%02ldm", static_cast<long>(s / 3600),
                  static_cast<long>(s % 3600 / 60));
  } else if (s >= 60) {
    std::snprintf(text, sizeof(text), "%ldm%02lds", static_cast<long>(s / 60),
                  static_cast<long>(s % 60));
  } else {
    std::snprintf(text, sizeof(text), "%lds", static_cast<long>(s));
  }
  return text;
}

}  // namespace tesg

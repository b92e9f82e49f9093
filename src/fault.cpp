#include "tesg/fault.h"

#include <csignal>

#include <atomic>
#include <cstdlib>
#include <string>

namespace tesg {
namespace {

struct FaultPlan {
  std::string name;  ///< "" = no fault
  long hit = 0;      ///< 1-based call that kills
  std::atomic<long> calls{0};
};

FaultPlan& plan() {
  static FaultPlan* p = [] {
    auto* plan = new FaultPlan;  // never destroyed: fault points may run during exit
    const char* env = std::getenv("TESG_FAULT");
    const std::string spec = env ? env : "";
    const auto colon = spec.rfind(':');
    const char* only_rank = std::getenv("TESG_FAULT_RANK");
    const char* rank = std::getenv("RANK");
    const bool this_rank = !only_rank || std::string(only_rank) == (rank ? rank : "0");
    if (colon != std::string::npos && this_rank) {
      plan->name = spec.substr(0, colon);
      plan->hit = std::strtol(spec.c_str() + colon + 1, nullptr, 10);
    }
    return plan;
  }();
  return *p;
}

}  // namespace

void fault_point(const char* name) {
  auto& p = plan();
  if (p.name.empty() || p.name != name) return;
  if (++p.calls == p.hit) std::raise(SIGKILL);
}

}  // namespace tesg

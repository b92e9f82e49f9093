#include "tesg/runtime.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <thread>

namespace tesg {

int configure_threads(int requested) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = requested > 0 ? requested : cores;
  at::set_num_threads(threads);
  return at::get_num_threads();
}

}  // namespace tesg

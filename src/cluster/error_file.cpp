#include "tesg/cluster/error_file.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "tesg/error.h"

namespace tesg::cluster {

void write_error_file(const std::string& message) {
  const char* path = std::getenv("TORCHELASTIC_ERROR_FILE");
  if (!path || !*path) return;
  try {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const nlohmann::json error = {
        {"message",
         {{"message", message},
          {"extraInfo",
           {{"py_callstack", message},
            {"timestamp", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count())}}}}}};
    std::ofstream(path) << error.dump();
  } catch (...) {  // the error itself is already on stderr
  }
}

int report_fatal_error(const std::exception& e) {
  const auto message = one_line(e);
  spdlog::error("{}", message);
  write_error_file(message);
  return 2;
}

}  // namespace tesg::cluster

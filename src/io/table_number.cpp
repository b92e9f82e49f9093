#include "tesg/io/table_number.h"

#include <cmath>
#include <cstdio>

namespace tesg::io {

std::string table_number(double v) {
  if (!std::isfinite(v)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, "%.4f", v);
  return text;
}

}  // namespace tesg::io

#pragma once
// The two JSON scalars tesg writes by hand (reports, captions.jsonl): no JSON library needed.
#include <string>

namespace tesg::io {

/// `s` as a quoted JSON string, with quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s);

/// `v` with 10 significant digits, `null` when it is not finite.
std::string json_number(double v);

}  // namespace tesg::io

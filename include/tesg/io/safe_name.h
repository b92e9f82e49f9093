#pragma once
// Method names as file names: "w/o MGCA" -> "w_o_MGCA", a name, never a folder.
#include <string>

namespace tesg::io {

/// `name` with every character other than letters, digits, `.`, `-` and `+` replaced by `_`.
std::string safe_file_name(const std::string& name);

}  // namespace tesg::io

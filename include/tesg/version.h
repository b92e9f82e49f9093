#pragma once
/// \file
/// The tesg version, one number for the library, the apps (--version), the checkpoints and the
/// package: the `project(VERSION)` of CMakeLists.txt.
#include <string>

namespace tesg {

/// "MAJOR.MINOR.PATCH".
std::string version();

}  // namespace tesg

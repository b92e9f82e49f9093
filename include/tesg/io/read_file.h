#pragma once
// Reading a whole file: one function for every reader of user files (images, checkpoints,
// configs, logs), each of which reports a failure in its own error kind.
#include <optional>
#include <string>

namespace tesg::io {

/// The whole content of `path`, or nullopt with `problem` set to "no such file" (also for a
/// folder) or "cannot read the file".
std::optional<std::string> read_file(const std::string& path, std::string& problem);

}  // namespace tesg::io

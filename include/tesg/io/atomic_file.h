#pragma once
// Atomic file writes: write to a temporary file beside the target, then rename over it, so a
// crash or a full disk never leaves a half-written output or destroys an existing one.
#include <functional>
#include <string>

namespace tesg::io {

/// Calls `write(temp_path)` to produce the file, then renames it to `path`. On any failure the
/// temporary file is removed and tesg::Error is thrown naming `path`.
void write_atomically(const std::string& path,
                      const std::function<void(const std::string& temp_path)>& write);

/// The temporary name write_atomically would use for `path`, with `path`'s extension kept for
/// writers that choose a format by it (".NAME.tmp.PID.EXT"); for files written over a long time
/// (videos) and renamed to `path` when done. remove_stale_temp_files removes them too.
std::string temp_path_keeping_extension(const std::string& path);

/// Writes `bytes` to `path` atomically.
void write_file_atomically(const std::string& path, const std::string& bytes);

/// Removes the temporary files that killed processes left in `dir` (not its subfolders): those
/// of write_atomically whose process is gone. A job calls it once on its output folder; a
/// missing folder is fine. Returns how many were removed.
int remove_stale_temp_files(const std::string& dir);

}  // namespace tesg::io

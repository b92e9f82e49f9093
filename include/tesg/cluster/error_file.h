#pragma once
// The error file of torchrun's workers: a worker that fails writes its error as JSON to
// $TORCHELASTIC_ERROR_FILE, and torchrun's failure summary shows it as the root cause.
#include <exception>
#include <string>

namespace tesg::cluster {

/// Writes `message` to $TORCHELASTIC_ERROR_FILE in the format of PyTorch's ErrorHandler
/// ({"message": {"message": ..., "extraInfo": {"py_callstack": ..., "timestamp": ...}}});
/// does nothing when the variable is unset. Never throws (it runs on the way out).
void write_error_file(const std::string& message);

/// What every app does with the error that ends it: logs its one line, writes it to the error
/// file, and returns the exit status of a failed run (2).
int report_fatal_error(const std::exception& e);

}  // namespace tesg::cluster

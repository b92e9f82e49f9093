#pragma once
/// \file
/// Error types thrown by the tesg library. The library throws, never prints or exits; apps catch
/// once and print `one_line(e)`.
#include <exception>
#include <stdexcept>
#include <string>

namespace tesg {

/// Base of every tesg error: the message names what failed (a file, a key, a tensor).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration file or override is invalid: `configs/x.yaml:14: train.lr: ...`.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// An input image, pair or folder is unusable: `MSRS/test/vi/00012N.png: 640x480 != ir 640x512`.
class DataError : public Error {
 public:
  using Error::Error;
};

/// A checkpoint is missing, corrupt or does not match the model.
class CheckpointError : public Error {
 public:
  using Error::Error;
};

/// The message of any exception on one line, without LibTorch's C++ backtrace.
std::string one_line(const std::exception& e);

}  // namespace tesg

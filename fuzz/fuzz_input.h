#pragma once
// What the fuzz targets share: the fuzzer's bytes as a file (the parsers read paths, as the apps
// do) and the rule that a malformed input may end only in a tesg::Error, our one-line error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tesg/error.h"

namespace tesg::fuzz {

/// The TeSG of the checkpoint seeds (fuzz_make_seeds) and of the checkpoint target.
inline constexpr const char* kTinyModelYaml =
    "model: {channels: 4, heads: 1, blocks: 1, text_attn_dim: 4, text_heads: 1, null_text_tokens: 2}\n";

/// This process's scratch folder ($TMPDIR or /tmp, then tesg-fuzz-<pid>), created on first use.
std::string scratch_dir();

/// Writes `bytes` to `name` in the scratch folder and returns its path.
std::string write_input(const std::string& name, const std::string& bytes);
std::string write_input(const std::string& name, const uint8_t* data, size_t size);

/// Runs `parse`. A tesg::Error is how a malformed input must end; any other exception leaves
/// the fuzz target, which aborts, and libFuzzer reports the input as a crash.
template <class F>
void expect_only_tesg_errors(F&& parse) {
  try {
    parse();
  } catch (const tesg::Error&) {
  }
}

/// Aborts (a finding) with `what` on stderr when `condition` is false: an invariant of the parser.
void check(bool condition, const char* what);

}  // namespace tesg::fuzz

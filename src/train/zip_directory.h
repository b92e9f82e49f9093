#pragma once
// The central directory of a zip archive (a LibTorch checkpoint), read with bounds checks, and
// CRC-32. LibTorch's own reader skips the CRC checks and trusts the sizes it reads: fuzzing
// (fuzz/fuzz_checkpoint) found a flipped bit making its unpickler reserve 4 GiB and its
// TorchScript parser crash, so checkpoints are verified against this directory first.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tesg::train {

struct ZipEntry {
  std::string name;
  uint32_t crc32 = 0;
  uint64_t compressed = 0, size = 0;  ///< bytes in the archive and once extracted
};

struct ZipDirectory {
  std::vector<ZipEntry> entries;
  std::string problem;  ///< "" when the directory is sound
};

/// The entries of the zip archive `bytes` (zip64 included). `problem` names the first defect: no
/// end record, a directory or an entry's data outside the archive, an unsupported compression,
/// sizes that cannot be (stored: unequal; deflated: over 1032 times the compressed size).
ZipDirectory read_zip_directory(std::string_view bytes);

/// The CRC-32 of zip (ISO 3309, reflected 0xEDB88320).
uint32_t crc32(const void* data, size_t size);

}  // namespace tesg::train

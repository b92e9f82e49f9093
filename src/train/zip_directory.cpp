#include "zip_directory.h"

#include <array>

namespace tesg::train {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50, kZip64EndSignature = 0x06064b50,
                   kZip64LocatorSignature = 0x07064b50, kEntrySignature = 0x02014b50,
                   kLocalSignature = 0x04034b50;
constexpr size_t kEndBytes = 22, kLocatorBytes = 20, kEntryBytes = 46, kLocalBytes = 30;
constexpr uint16_t kStored = 0, kDeflated = 8, kZip64Extra = 1;
constexpr uint64_t kMaxDeflateRatio = 1032;  // deflate's best case
constexpr uint32_t kEscape32 = 0xffffffff;

// Little-endian reads that never leave `bytes` (out of range reads give `ok = false`).
struct Cursor {
  std::string_view bytes;
  bool ok = true;
  uint64_t read(size_t at, int width) {
    if (at > bytes.size() || bytes.size() - at < static_cast<size_t>(width)) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (int k = width - 1; k >= 0; --k) v = (v << 8) | static_cast<uint8_t>(bytes[at + k]);
    return v;
  }
};

}  // namespace

ZipDirectory read_zip_directory(std::string_view bytes) {
  ZipDirectory out;
  const auto fail = [&](const std::string& problem) {
    out.entries.clear();
    out.problem = problem;
    return out;
  };
  Cursor c{bytes};
  if (bytes.size() < kEndBytes) return fail("not a zip archive (too short)");
  // The end record: its comment is at most 64 KiB, so it starts in the last 64 KiB + 22 bytes.
  size_t end = bytes.size() - kEndBytes;
  const size_t lowest = bytes.size() > kEndBytes + 0xffff ? bytes.size() - kEndBytes - 0xffff : 0;
  while (c.read(end, 4) != kEndSignature) {
    if (end == lowest) return fail("not a zip archive (no end of central directory)");
    --end;
  }
  uint64_t count = c.read(end + 10, 2), directory = c.read(end + 16, 4);
  if (count == 0xffff || directory == kEscape32) {  // zip64: the locator right before points on
    const size_t locator = end >= kLocatorBytes ? end - kLocatorBytes : 0;
    if (c.read(locator, 4) != kZip64LocatorSignature) return fail("zip64 locator missing");
    const uint64_t record = c.read(locator + 8, 8);
    if (c.read(record, 4) != kZip64EndSignature) return fail("zip64 end record missing");
    count = c.read(record + 32, 8);
    directory = c.read(record + 48, 8);
  }
  size_t at = directory;
  for (uint64_t k = 0; k < count; ++k) {
    if (c.read(at, 4) != kEntrySignature) return fail("central directory entry " + std::to_string(k) + " missing");
    ZipEntry e;
    const auto method = c.read(at + 10, 2);
    e.crc32 = static_cast<uint32_t>(c.read(at + 16, 4));
    e.compressed = c.read(at + 20, 4);
    e.size = c.read(at + 24, 4);
    const size_t name_bytes = c.read(at + 28, 2), extra_bytes = c.read(at + 30, 2),
                 comment_bytes = c.read(at + 32, 2);
    uint64_t local = c.read(at + 42, 4);
    if (!c.ok || bytes.size() - at - kEntryBytes < name_bytes) return fail("central directory truncated");
    e.name = std::string(bytes.substr(at + kEntryBytes, name_bytes));
    // zip64 extra field: the 64-bit values of the fields set to 0xffffffff, in this order.
    for (size_t x = at + kEntryBytes + name_bytes; x + 4 <= at + kEntryBytes + name_bytes + extra_bytes;) {
      const auto id = c.read(x, 2), length = c.read(x + 2, 2);
      size_t field = x + 4;
      if (id == kZip64Extra) {
        for (auto* value : {&e.size, &e.compressed, &local}) {
          if (*value == kEscape32) {
            *value = c.read(field, 8);
            field += 8;
          }
        }
      }
      x += 4 + length;
    }
    if (!c.ok) return fail(e.name + ": central directory entry truncated");
    // The data follow the local header, whose name and extra field may differ in length.
    const uint64_t data = local + kLocalBytes + c.read(local + 26, 2) + c.read(local + 28, 2);
    if (c.read(local, 4) != kLocalSignature || !c.ok || data > bytes.size() ||
        bytes.size() - data < e.compressed) {
      return fail(e.name + ": data outside the archive");
    }
    if (method == kStored ? e.size != e.compressed
                          : method != kDeflated || e.size / kMaxDeflateRatio > e.compressed) {
      return fail(e.name + ": impossible sizes or unsupported compression");
    }
    out.entries.push_back(std::move(e));
    at += kEntryBytes + name_bytes + extra_bytes + comment_bytes;
  }
  return out;
}

uint32_t crc32(const void* data, size_t size) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t v = n;
      for (int k = 0; k < 8; ++k) v = (v & 1) ? 0xedb88320u ^ (v >> 1) : v >> 1;
      t[n] = v;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

}  // namespace tesg::train

#include "tesg/sig/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "tesg/error.h"

namespace tesg::sig {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100 << 20;  // the format's own limit

c10::ScalarType parse_dtype(const std::string& name, const std::string& where) {
  static const std::map<std::string, c10::ScalarType> dtypes = {
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16},
      {"BF16", torch::kBFloat16}, {"I64", torch::kInt64}, {"I32", torch::kInt32},
      {"I16", torch::kInt16}, {"I8", torch::kInt8}, {"U8", torch::kUInt8}, {"BOOL", torch::kBool}};
  const auto it = dtypes.find(name);
  if (it == dtypes.end()) throw CheckpointError(where + ": unsupported dtype '" + name + "'");
  return it->second;
}

}  // namespace

struct SafetensorsFile::Mapping {
  void* data = MAP_FAILED;
  size_t size = 0;
  ~Mapping() {
    if (data != MAP_FAILED) ::munmap(data, size);
  }
  const uint8_t* bytes() const { return static_cast<const uint8_t*>(data); }
};

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path), mapping_(std::make_shared<Mapping>()) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw CheckpointError(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  ::fstat(fd, &st);
  mapping_->size = static_cast<size_t>(st.st_size);
  if (mapping_->size > 0) mapping_->data = ::mmap(nullptr, mapping_->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);  // copy-on-write: the file never changes
  ::close(fd);
  if (mapping_->size < 8) throw CheckpointError(path + ": truncated safetensors file (no header length)");
  if (mapping_->data == MAP_FAILED) throw CheckpointError(path + ": cannot map the file");
  uint64_t header_bytes = 0;
  for (int k = 7; k >= 0; --k) header_bytes = (header_bytes << 8) | mapping_->bytes()[k];
  if (header_bytes > kMaxHeaderBytes || 8 + header_bytes > mapping_->size) {
    throw CheckpointError(path + ": truncated or not a safetensors file (header of " +
                          std::to_string(header_bytes) + " bytes in a file of " +
                          std::to_string(mapping_->size) + ")");
  }
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(mapping_->bytes() + 8, mapping_->bytes() + 8 + header_bytes);
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(path + ": malformed safetensors header: " + e.what());
  }
  if (!header.is_object()) throw CheckpointError(path + ": malformed safetensors header (not an object)");
  const size_t data_bytes = mapping_->size - 8 - header_bytes;
  for (const auto& [name, value] : header.items()) {
    const std::string where = path + ": tensor '" + name + "'";
    if (name == "__metadata__") {
      for (const auto& [key, text] : value.items()) {
        if (text.is_string()) metadata_[key] = text.get<std::string>();
      }
      continue;
    }
    try {
      Entry entry;
      entry.dtype = static_cast<int>(parse_dtype(value.at("dtype").get<std::string>(), where));
      entry.shape = value.at("shape").get<std::vector<int64_t>>();
      const auto offsets = value.at("data_offsets").get<std::vector<uint64_t>>();
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_bytes) {
        throw CheckpointError(where + ": data offsets outside the file (truncated?)");
      }
      entry.begin = offsets[0];
      entry.end = offsets[1];
      // Bytes of the shape, and its strides (a zero dimension still strides) within int64.
      uint64_t bytes = c10::elementSize(static_cast<c10::ScalarType>(entry.dtype)), span = bytes;
      for (const auto d : entry.shape) {
        if (d < 0) throw CheckpointError(where + ": negative dimension");
        if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes) ||
            __builtin_mul_overflow(span, static_cast<uint64_t>(std::max<int64_t>(d, 1)), &span) ||
            span > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          throw CheckpointError(where + ": shape too large");
        }
      }
      if (bytes != entry.end - entry.begin) {
        throw CheckpointError(where + ": " + std::to_string(entry.end - entry.begin) +
                              " bytes do not hold its shape");
      }
      entries_[name] = entry;
    } catch (const nlohmann::json::exception& e) {
      throw CheckpointError(where + ": malformed header entry: " + e.what());
    }
  }
  // Data start right after the header: keep the base for tensor views.
  header_bytes_ = 8 + header_bytes;
}

SafetensorsFile::~SafetensorsFile() = default;
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

bool SafetensorsFile::contains(const std::string& name) const { return entries_.count(name) > 0; }

std::vector<int64_t> SafetensorsFile::shape(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw CheckpointError(path_ + ": no tensor '" + name + "'");
  return it->second.shape;
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw CheckpointError(path_ + ": no tensor '" + name + "'");
  const auto& e = it->second;
  auto* data = const_cast<uint8_t*>(mapping_->bytes() + header_bytes_ + e.begin);
  const auto dtype = static_cast<c10::ScalarType>(e.dtype);
  const auto item = c10::elementSize(dtype);
  auto keep = mapping_;
  if (reinterpret_cast<uintptr_t>(data) % item != 0) {  // unaligned: copy out
    auto copy = torch::empty(e.shape, torch::TensorOptions().dtype(dtype));
    // An empty tensor has no storage (data_ptr() is null, and memcpy from/to null is undefined).
    if (e.end > e.begin) std::memcpy(copy.data_ptr(), data, e.end - e.begin);
    return copy;
  }
  return torch::from_blob(data, e.shape, [keep](void*) {}, torch::TensorOptions().dtype(dtype));
}

}  // namespace tesg::sig

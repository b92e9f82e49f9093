#pragma once
// Reading Hugging Face safetensors files: an 8-byte little-endian header length, a JSON header
// (name -> dtype, shape, data offsets; optional __metadata__), then the raw little-endian data.
// The file is memory-mapped; tensors are views of the mapping (no copy) that keep it alive.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tesg::sig {

class SafetensorsFile {
 public:
  /// Maps and validates `path`. Throws CheckpointError naming the file for a missing, truncated
  /// or malformed file (header length, JSON, dtype, shape, offsets out of range or not matching
  /// the shape).
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&&) noexcept;

  const std::string& path() const { return path_; }
  std::vector<std::string> names() const;  ///< sorted
  bool contains(const std::string& name) const;
  /// The tensor in its stored dtype (F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL), read-only view.
  /// Throws CheckpointError when absent.
  torch::Tensor tensor(const std::string& name) const;
  std::vector<int64_t> shape(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  struct Entry {
    int dtype;  // c10::ScalarType
    std::vector<int64_t> shape;
    size_t begin, end;  // byte range in the data section
  };
  struct Mapping;
  std::string path_;
  std::shared_ptr<Mapping> mapping_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
  size_t header_bytes_ = 0;  // 8 + JSON header: where the data section starts
};

}  // namespace tesg::sig

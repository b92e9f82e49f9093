#pragma once
// Pictures for judging fusion at a glance: per pair infrared | visible | mask | fused, labelled,
// and one contact sheet for a folder. Needs OpenCV.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tesg/data/fusion_sample.h"

namespace tesg::infer {

/// Writes the comparison image of one pair (panels scaled to `panel_height`, names above them)
/// to `path` as PNG, atomically. `fused` is [3,H,W] or [1,3,H,W] in [0,1].
void write_comparison_grid(const std::string& path, const data::FusionSample& sample,
                           const torch::Tensor& fused, int64_t panel_height);

/// One row per pair (stem | infrared | visible | mask | fused) under a header row; rows are
/// ordered by the `order` they were added with. Thread-safe.
class ContactSheet {
 public:
  ContactSheet(int64_t row_height, int64_t max_rows);
  ~ContactSheet();
  /// Adds the row of a pair; ignored when `order` >= max_rows.
  void add(int64_t order, const data::FusionSample& sample, const torch::Tensor& fused);
  bool empty() const;
  /// Writes the sheet as PNG, atomically.
  void write(const std::string& path) const;
  /// The rows as bytes (lossless), and adding rows from such bytes: how the ranks of a sharded
  /// job hand their rows to rank 0.
  std::string rows_bytes() const;
  void add_rows(const std::string& bytes);

 private:
  struct Rows;
  std::unique_ptr<Rows> rows_;
  int64_t row_height_, max_rows_;
};

}  // namespace tesg::infer

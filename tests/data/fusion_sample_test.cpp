#include "tesg/data/fusion_sample.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support.h"
#include "tesg/error.h"
#include "tesg/io/image.h"

namespace tesg::data {
namespace {

TEST(FusionSampleTest, LoadsPairWithEmptyMask) {
  test::TempDir dir;
  io::write_png(dir / "ir.png", torch::rand({1, 6, 5}));
  io::write_png(dir / "vi.png", torch::rand({3, 6, 5}));
  const auto s = load_pair({"x", dir / "ir.png", dir / "vi.png"});
  EXPECT_EQ(s.vi.sizes(), (std::vector<int64_t>{3, 6, 5}));
  EXPECT_EQ(s.ir.sizes(), (std::vector<int64_t>{1, 6, 5}));
  EXPECT_EQ(s.mask.sizes(), (std::vector<int64_t>{1, 6, 5}));
  EXPECT_EQ(s.mask.sum().item<float>(), 0.f);
  EXPECT_FALSE(s.ft.defined());
}

TEST(FusionSampleTest, SizeMismatchNamesBothFiles) {
  test::TempDir dir;
  io::write_png(dir / "ir.png", torch::rand({1, 512, 640}));
  io::write_png(dir / "vi.png", torch::rand({3, 480, 640}));
  EXPECT_THROW_WITH(load_pair({"x", dir / "ir.png", dir / "vi.png"}), DataError,
                    "vi.png: 640x480 != ir 640x512");
}

TEST(FusionSampleTest, UnreadableImageIsNamed) {
  test::TempDir dir;
  io::write_png(dir / "vi.png", torch::rand({3, 4, 4}));
  EXPECT_THROW_WITH(load_pair({"x", dir / "missing_ir.png", dir / "vi.png"}), DataError,
                    "missing_ir.png: no such file");
}

}  // namespace
}  // namespace tesg::data

#include "tesg/nn/padding.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace tesg::nn {
namespace {

TEST(PaddingTest, PadsToMultipleWithReflection) {
  const auto x = torch::arange(15, torch::kFloat32).view({1, 1, 3, 5});
  const auto y = pad_to_multiple(x, 4);
  ASSERT_EQ(y.sizes(), (std::vector<int64_t>{1, 1, 4, 8}));
  EXPECT_TRUE(torch::equal(y.narrow(2, 0, 3).narrow(3, 0, 5), x));
  // Reflection: column 5 mirrors column 3, row 3 mirrors row 1.
  EXPECT_TRUE(torch::equal(y.select(3, 5).narrow(2, 0, 3), x.select(3, 3)));
  EXPECT_TRUE(torch::equal(y.select(2, 3).narrow(2, 0, 5), x.select(2, 1)));
}

TEST(PaddingTest, TinyImagesFallBackToReplication) {
  const auto x = torch::full({1, 2, 1, 1}, 0.25);
  const auto y = pad_to_multiple(x, 8);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 2, 8, 8}));
  EXPECT_TRUE(torch::equal(y, torch::full({1, 2, 8, 8}, 0.25)));
}

TEST(PaddingTest, MultipleOfOneIsIdentity) {
  const auto x = torch::randn({1, 3, 7, 9});
  EXPECT_TRUE(pad_to_multiple(x, 1).is_same(x));
}

}  // namespace
}  // namespace tesg::nn

// Dynamic loss scaling (fp16 training): unscaled gradients, skipped overflow steps, scale growth.
#include "tesg/train/mixed_precision.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

namespace tesg::train {
namespace {

TEST(LossScalerTest, DisabledScalerChangesNothing) {
  LossScaler scaler(false);
  const auto loss = torch::tensor(2.5);
  EXPECT_TRUE(scaler.scaled(loss).equal(loss));
  EXPECT_EQ(scaler.scale(), 1.0);
  auto p = torch::ones({3}, torch::requires_grad());
  p.mutable_grad() = torch::full({3}, std::numeric_limits<float>::infinity());
  EXPECT_TRUE(scaler.unscale({p}));
}

TEST(LossScalerTest, GradientsComeBackUnscaledAndOverflowSkipsAndHalves) {
  LossScaler scaler(true, 1024.0, 3);
  auto p = torch::tensor({1.0f, -2.0f}, torch::requires_grad());
  (scaler.scaled((p * p).sum())).backward();
  EXPECT_TRUE(scaler.unscale({p}));
  EXPECT_TRUE(p.grad().allclose(torch::tensor({2.0f, -4.0f})));
  p.mutable_grad() = torch::tensor({1.0f, std::numeric_limits<float>::infinity()});
  EXPECT_FALSE(scaler.unscale({p}));
  EXPECT_EQ(scaler.scale(), 512.0);
  for (int k = 0; k < 3; ++k) {
    p.mutable_grad() = torch::ones({2});
    EXPECT_TRUE(scaler.unscale({p}));
  }
  EXPECT_EQ(scaler.scale(), 1024.0) << "three good steps in a row double the scale";
}

TEST(LossScalerTest, RestoredScalerContinuesWhereTheSavedOneWas) {
  LossScaler original(true, 1024.0, 3);
  auto p = torch::ones({2}, torch::requires_grad());
  for (int k = 0; k < 2; ++k) {
    p.mutable_grad() = torch::ones({2});
    original.unscale({p});
  }
  EXPECT_EQ(original.good_steps(), 2);
  LossScaler resumed(true, 65536.0, 3);
  resumed.restore(original.scale(), original.good_steps());
  p.mutable_grad() = torch::ones({2});
  EXPECT_TRUE(resumed.unscale({p}));
  EXPECT_EQ(resumed.scale(), 2048.0) << "the third good step in a row doubles the restored scale";
  EXPECT_EQ(resumed.good_steps(), 0);
  LossScaler disabled(false);
  disabled.restore(8.0, 1);
  EXPECT_EQ(disabled.scale(), 1.0);
  EXPECT_THROW(resumed.restore(0.0, 0), c10::Error);
}

TEST(AutocastScopeTest, NoneIsANoOp) {
  AutocastScope none("none");
  const auto a = torch::rand({2, 2});
  EXPECT_EQ(torch::matmul(a, a).scalar_type(), torch::kFloat32);
}

}  // namespace
}  // namespace tesg::train

// Test entry point: all cores (as the apps), a fixed seed per test.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "tesg/runtime.h"

namespace {

class SeedEachTest : public testing::EmptyTestEventListener {
  void OnTestStart(const testing::TestInfo&) override { torch::manual_seed(0); }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  tesg::configure_threads();
  testing::UnitTest::GetInstance()->listeners().Append(new SeedEachTest);
  return RUN_ALL_TESTS();
}

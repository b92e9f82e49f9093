// Test entry point: all cores (as the apps), a fixed seed per test, and on GPUs full fp32
// (no TF32), since CUDA results are compared with CPU and reference results.
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
  at::globalContext().setAllowTF32CuDNN(false);
  at::globalContext().setAllowTF32CuBLAS(false);
  testing::UnitTest::GetInstance()->listeners().Append(new SeedEachTest);
  return RUN_ALL_TESTS();
}

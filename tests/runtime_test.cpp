// What the test binary runs on: the LibTorch it was built against, and for the CUDA build
// (TESG_REQUIRE_CUDA) the CUDA backend and the NCCL process group really linked in.
#include "tesg/runtime.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <thread>

#include "tesg/cluster/data_parallel.h"

namespace tesg {
namespace {

TEST(TorchBuildTest, IsTheLibTorchThisBuildWasConfiguredWith) {
  const auto build = torch_build();
  EXPECT_EQ(build.version, TORCH_VERSION);
  EXPECT_EQ(build.cuda, TESG_EXPECT_CUDA_BUILD != 0) << describe(build);
  EXPECT_EQ(cluster::DataParallel::nccl_available(), TESG_EXPECT_CUDA_BUILD != 0);
  EXPECT_EQ(build.cuda_devices > 0, torch::cuda::is_available());
  EXPECT_NE(describe(build).find("LibTorch " + build.version), std::string::npos);
  EXPECT_NE(describe(build).find(build.cuda ? "CUDA backend" : "CPU only"), std::string::npos);
}

TEST(ThreadsTest, ConfiguresTheRequestedCountOrEveryCore) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(configure_threads(1), 1);
  EXPECT_EQ(configure_threads(0), cores);
  EXPECT_EQ(configure_threads(0, 2), std::max(1, cores / 2));  // two ranks share the machine
  EXPECT_EQ(configure_threads(3, 2), 3);                       // an explicit count wins
  EXPECT_EQ(share_of_cores(4 * cores), 1);
  configure_threads();
}

}  // namespace
}  // namespace tesg

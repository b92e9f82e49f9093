// Peak memory of LibTorch's CUDA caching allocator. Compiled with TESG_TORCH_CUDA only when the
// LibTorch has its CUDA backend (the c10_cuda library to link against); 0 otherwise.
#include "tesg/runtime.h"

#ifdef TESG_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#endif

namespace tesg {

double cuda_peak_memory_mib(int device) {
#ifdef TESG_TORCH_CUDA
  if (!torch::cuda::is_available()) return 0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
  return static_cast<double>(stats.allocated_bytes[0].peak) / (1 << 20);  // [0]: StatType::AGGREGATE
#else
  (void)device;
  return 0;
#endif
}

}  // namespace tesg

#pragma once
// Data-parallel training over processes with torch's own c10d: a TCPStore rendezvous from the
// environment torchrun and cluster launchers export (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE,
// LOCAL_RANK) and a Gloo (CPU) or NCCL (CUDA, one GPU per local rank) process group. Parameters
// are broadcast from rank 0; gradients are all-reduced in buckets and averaged.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <chrono>
#include <memory>
#include <vector>

namespace tesg::train {

class DataParallel {
 public:
  /// The group described by the environment, or null when WORLD_SIZE is unset or 1. Throws
  /// tesg::Error naming a missing or malformed variable. A peer that does not arrive or dies
  /// makes the collectives fail after `timeout` instead of hanging.
  /// `cuda`: NCCL over the GPUs (needs a LibTorch built with NCCL), else Gloo.
  static std::unique_ptr<DataParallel> from_environment(std::chrono::milliseconds timeout,
                                                        bool cuda = false);
  /// Whether this build can make NCCL process groups (LibTorch built with NCCL).
  static bool nccl_available();
  /// LOCAL_RANK of the environment (the GPU of this process), 0 without data parallelism.
  static int local_rank_from_environment();
  ~DataParallel();

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  /// Copies rank 0's values into every rank's tensors.
  void broadcast(const std::vector<torch::Tensor>& tensors);
  /// Replaces each gradient by its mean over the ranks (all-reduced in flat 25 MiB buckets).
  void average_gradients(const std::vector<torch::Tensor>& parameters);
  /// Sum of `value` over the ranks (e.g. to agree on skipping a step).
  double sum(double value);
  void barrier();

 private:
  struct Impl;
  DataParallel(std::unique_ptr<Impl> impl, int rank, int world_size);
  std::unique_ptr<Impl> impl_;
  int rank_, world_size_;
  c10::Device device_{c10::kCPU};  // where collective buffers live (the GPU for NCCL)
};

}  // namespace tesg::train

#pragma once
// Data-parallel work over processes with torch's own c10d: a TCPStore rendezvous where the
// launcher says (rank_environment.h: torchrun, its agent store included, Slurm, --nproc) and a
// Gloo (CPU) or NCCL (CUDA, one GPU per local rank) process group. Parameters are broadcast
// from rank 0; gradients are all-reduced in buckets and averaged.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tesg::cluster {

class DataParallel {
 public:
  /// The group described by the environment (rank_environment()), or null for one process. Throws
  /// tesg::Error naming a missing or malformed variable. A peer that does not arrive or dies
  /// makes the collectives fail after `timeout` instead of hanging.
  /// `cuda`: NCCL over the GPUs (needs a LibTorch built with NCCL), else Gloo.
  /// `rendezvous_timeout` (0: `timeout`) bounds the wait for the store and the other ranks at
  /// the start, e.g. a wrong MASTER_ADDR.
  static std::unique_ptr<DataParallel> from_environment(
      std::chrono::milliseconds timeout, bool cuda = false,
      std::chrono::milliseconds rendezvous_timeout = std::chrono::milliseconds(0));
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
  /// On rank 0 every rank's `text` in rank order (its own first); on the others nothing (they
  /// hand it over and go on). Through the rendezvous store: for results, not tensors.
  std::vector<std::string> gather(const std::string& text);

 private:
  struct Impl;
  DataParallel(std::unique_ptr<Impl> impl, int rank, int world_size);
  std::unique_ptr<Impl> impl_;
  int rank_, world_size_;
  c10::Device device_{c10::kCPU};  // where collective buffers live (the GPU for NCCL)
};

}  // namespace tesg::cluster

#pragma once
// The ranks of a batch job (tesg-fuse, tesg-sig, tesg-eval, tesg-detect) started by torchrun,
// srun or `--nproc N`: which pairs this rank does, where its GPU is, and rank 0 gathering the
// others' results to write the one summary.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tesg/cluster/shard.h"

namespace tesg::cluster {

class DataParallel;

/// Ranks wait for each other at the end of a batch job, which may take hours (SIG on a large
/// folder); a rank that dies ends the others through its launcher, not through this timeout.
inline constexpr std::chrono::hours kBatchJobTimeout{72};
/// How long the ranks wait for each other at the start (a wrong MASTER_ADDR fails after this).
inline constexpr std::chrono::minutes kBatchRendezvousTimeout{30};

class BatchRanks {
 public:
  /// One process when the environment names no ranks (rank_environment.h). Throws tesg::Error
  /// when the rendezvous fails.
  static BatchRanks from_environment();
  BatchRanks();
  BatchRanks(BatchRanks&&) noexcept;
  ~BatchRanks();

  const Shard& shard() const { return shard_; }
  bool lead() const { return shard_.rank == 0; }
  /// `device` for this rank: "cuda" becomes cuda:LOCAL_RANK when there are several ranks.
  std::string device(const std::string& device) const;
  /// Rank 0: every rank's `text` in rank order; other ranks: nothing. One process: {text}.
  std::vector<std::string> gather(const std::string& text);
  /// Waits for every rank (no-op for one process).
  void barrier();

 private:
  std::unique_ptr<DataParallel> group_;
  Shard shard_;
  int local_rank_ = 0;
};

}  // namespace tesg::cluster

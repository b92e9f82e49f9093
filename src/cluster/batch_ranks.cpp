#include "tesg/cluster/batch_ranks.h"

#include <spdlog/spdlog.h>

#include "tesg/cluster/data_parallel.h"
#include "tesg/cluster/rank_environment.h"

namespace tesg::cluster {

BatchRanks::BatchRanks() = default;
BatchRanks::BatchRanks(BatchRanks&&) noexcept = default;
BatchRanks::~BatchRanks() = default;

BatchRanks BatchRanks::from_environment() {
  BatchRanks ranks;
  const auto r = rank_environment();
  if (!r.distributed()) return ranks;
  ranks.group_ = DataParallel::from_environment(kBatchJobTimeout, /*cuda=*/false,  // results, not tensors
                                                kBatchRendezvousTimeout);
  ranks.shard_ = {r.rank, r.world_size};
  ranks.local_rank_ = r.local_rank;
  if (r.rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 reports
  spdlog::info("{} ranks ({}): each does every {}th pair, rank 0 writes the summary", r.world_size,
               r.launcher == "slurm" ? "Slurm" : "torchrun environment", r.world_size);
  return ranks;
}

std::string BatchRanks::device(const std::string& device) const {
  return device == "cuda" && !shard_.whole() ? "cuda:" + std::to_string(local_rank_) : device;
}

std::vector<std::string> BatchRanks::gather(const std::string& text) {
  return group_ ? group_->gather(text) : std::vector<std::string>{text};
}

void BatchRanks::barrier() {
  if (group_) group_->barrier();
}

}  // namespace tesg::cluster

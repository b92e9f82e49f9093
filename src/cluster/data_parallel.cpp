#include "tesg/cluster/data_parallel.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

#include "tesg/cluster/rank_environment.h"
#include "tesg/error.h"

namespace tesg::cluster {
namespace {

constexpr int64_t kBucketBytes = 25 << 20;  // as DistributedDataParallel's default bucket

// Waits for a collective; a peer that died or stopped surfaces as one clear error, not a hang
// (Gloo fails on a closed connection at once, on a silent peer after the group's timeout).
// A template because the work type is c10d::ProcessGroup::Work in LibTorch 1.13, c10d::Work in 2.x.
template <class WorkPtr>
void wait_for(const WorkPtr& work, int rank, const char* what) {
  try {
    work->wait();
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank) + ": " + what +
                " failed: another rank stopped or the connection broke (" + one_line(e) + ")");
  }
}

}  // namespace

// The common base of ProcessGroupGloo and ProcessGroupNCCL: ProcessGroup in LibTorch 1.13,
// Backend in 2.x.
#if TORCH_VERSION_MAJOR >= 2
using GroupBase = c10d::Backend;
#else
using GroupBase = c10d::ProcessGroup;
#endif

struct DataParallel::Impl {
  c10::intrusive_ptr<GroupBase> group;
  c10::intrusive_ptr<c10d::Store> results;  // the rendezvous store, under a prefix of ours
  int64_t gathers = 0;
};

bool DataParallel::nccl_available() {
#ifdef USE_C10D_NCCL
  return true;
#else
  return false;
#endif
}

int DataParallel::local_rank_from_environment() {
  const auto r = rank_environment();
  return r.distributed() ? r.local_rank : 0;
}

DataParallel::DataParallel(std::unique_ptr<Impl> impl, int rank, int world_size)
    : impl_(std::move(impl)), rank_(rank), world_size_(world_size) {}

DataParallel::~DataParallel() = default;

namespace {

// The store every rank meets at, as PyTorch's _create_c10d_store makes it: under torchrun's agent
// store a client of it (the keys of each restart attempt apart, see attempt_keys), otherwise
// hosted by rank 0.
c10::intrusive_ptr<c10d::TCPStore> rendezvous_store(const RankEnvironment& r, std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(r.master_port);
  options.isServer = !r.agent_store && r.rank == 0;
  options.numWorkers = static_cast<size_t>(r.world_size);
  options.timeout = timeout;
  options.multiTenant = true;
  return c10::make_intrusive<c10d::TCPStore>(r.master_addr, options);
}

// The agent's store outlives the workers it restarts: each attempt keeps to its own keys.
c10::intrusive_ptr<c10d::Store> attempt_keys(const RankEnvironment& r, c10::intrusive_ptr<c10d::TCPStore> store) {
  if (!r.agent_store) return store;
  return c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(r.restart_count), store);
}

}  // namespace

std::unique_ptr<DataParallel> DataParallel::from_environment(std::chrono::milliseconds timeout, bool cuda,
                                                             std::chrono::milliseconds rendezvous_timeout) {
  const auto r = rank_environment();
  if (!r.distributed()) return nullptr;
  const int rank = r.rank, world = r.world_size;
  auto impl = std::make_unique<Impl>();
  try {
    auto tcp = rendezvous_store(r, rendezvous_timeout.count() > 0 ? rendezvous_timeout : timeout);
    auto store = attempt_keys(r, tcp);
    impl->results = c10::make_intrusive<c10d::PrefixStore>("tesg/results", store);
    if (cuda) {
#ifdef USE_C10D_NCCL
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      impl->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, world, options);
#else
      throw Error("this LibTorch was built without NCCL: data-parallel CUDA training is not available");
#endif
    } else {
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, world, options);
    }
    tcp->setTimeout(timeout);  // met: from now on results may take as long as the work
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank) + ": rendezvous at " + r.master_addr + ":" +
                std::to_string(r.master_port) + " failed: " + one_line(e));
  }
  std::unique_ptr<DataParallel> dp(new DataParallel(std::move(impl), rank, world));
  if (cuda) dp->device_ = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(r.local_rank));
  return dp;
}

void DataParallel::broadcast(const std::vector<torch::Tensor>& tensors) {
  torch::NoGradGuard no_grad;
  for (const auto& t : tensors) {
    std::vector<at::Tensor> one = {t.data()};
    wait_for(impl_->group->broadcast(one), rank_, "broadcast of the parameters");
  }
}

void DataParallel::average_gradients(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  // Gradients are flattened bucket by bucket, reduced, and copied back in the same order.
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    if (p.grad().defined()) grads.push_back(p.grad());
  }
  size_t start = 0;
  while (start < grads.size()) {
    size_t end = start;
    int64_t size = 0;
    while (end < grads.size() && (end == start || size + grads[end].nbytes() <= kBucketBytes)) {
      size += static_cast<int64_t>(grads[end].nbytes());
      ++end;
    }
    std::vector<torch::Tensor> views;
    for (size_t i = start; i < end; ++i) views.push_back(grads[i].reshape(-1));
    std::vector<at::Tensor> flat = {torch::cat(views)};
    wait_for(impl_->group->allreduce(flat), rank_, "gradient all-reduce");
    flat[0].div_(world_size_);
    int64_t offset = 0;
    for (size_t i = start; i < end; ++i) {
      const int64_t n = grads[i].numel();
      grads[i].copy_(flat[0].narrow(0, offset, n).view_as(grads[i]));
      offset += n;
    }
    start = end;
  }
}

double DataParallel::sum(double value) {
  std::vector<at::Tensor> t = {torch::tensor({value}, torch::kFloat64).to(device_)};
  wait_for(impl_->group->allreduce(t), rank_, "all-reduce");
  return t[0].item<double>();
}

std::vector<std::string> DataParallel::gather(const std::string& text) {
  const auto prefix = std::to_string(impl_->gathers++) + "/";
  if (rank_ != 0) {
    impl_->results->set(prefix + std::to_string(rank_), std::vector<uint8_t>(text.begin(), text.end()));
    return {};
  }
  std::vector<std::string> all = {text};
  for (int r = 1; r < world_size_; ++r) {
    try {
      const auto bytes = impl_->results->get(prefix + std::to_string(r));
      all.emplace_back(bytes.begin(), bytes.end());
    } catch (const std::exception& e) {
      throw Error("rank 0: the results of rank " + std::to_string(r) + " did not arrive (" + one_line(e) + ")");
    }
  }
  return all;
}

void DataParallel::barrier() { wait_for(impl_->group->barrier(), rank_, "barrier"); }

}  // namespace tesg::cluster

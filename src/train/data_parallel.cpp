#include "tesg/train/data_parallel.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
#include <torch/version.h>

#include <cstdlib>
#include <string>

#include "tesg/error.h"

namespace tesg::train {
namespace {

constexpr int64_t kBucketBytes = 25 << 20;  // as DistributedDataParallel's default bucket

std::string env(const char* name, const char* fallback = nullptr) {
  const char* value = std::getenv(name);
  if (value && *value) return value;
  if (fallback) return fallback;
  throw Error(std::string("data-parallel training needs the environment variable ") + name);
}

int env_int(const char* name, const char* fallback = nullptr) {
  const auto text = env(name, fallback);
  try {
    size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error(std::string(name) + "=" + text + ": expected an integer");
}

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
};

bool DataParallel::nccl_available() {
#ifdef USE_C10D_NCCL
  return true;
#else
  return false;
#endif
}

int DataParallel::local_rank_from_environment() {
  return std::getenv("WORLD_SIZE") ? env_int("LOCAL_RANK", env("RANK", "0").c_str()) : 0;
}

DataParallel::DataParallel(std::unique_ptr<Impl> impl, int rank, int world_size)
    : impl_(std::move(impl)), rank_(rank), world_size_(world_size) {}

DataParallel::~DataParallel() = default;

std::unique_ptr<DataParallel> DataParallel::from_environment(std::chrono::milliseconds timeout, bool cuda) {
  const int world = env_int("WORLD_SIZE", "1");
  if (world <= 1) return nullptr;
  const int rank = env_int("RANK");
  if (rank < 0 || rank >= world) {
    throw Error("RANK=" + std::to_string(rank) + " is outside WORLD_SIZE=" + std::to_string(world));
  }
  const auto host = env("MASTER_ADDR", "127.0.0.1");
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<uint16_t>(env_int("MASTER_PORT", "29500"));
  store_options.isServer = rank == 0;
  store_options.numWorkers = static_cast<size_t>(world);
  store_options.timeout = timeout;
  auto impl = std::make_unique<Impl>();
  try {
    auto store = c10::make_intrusive<c10d::TCPStore>(host, store_options);
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
  } catch (const std::exception& e) {
    throw Error("rank " + std::to_string(rank) + ": rendezvous at " + host + ":" +
                std::to_string(store_options.port) + " failed: " + one_line(e));
  }
  std::unique_ptr<DataParallel> dp(new DataParallel(std::move(impl), rank, world));
  if (cuda) dp->device_ = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(local_rank_from_environment()));
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

void DataParallel::barrier() { wait_for(impl_->group->barrier(), rank_, "barrier"); }

}  // namespace tesg::train

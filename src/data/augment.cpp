#include "tesg/data/augment.h"

#include <torch/torch.h>

namespace tesg::data {
namespace {

// Applies `f` to each spatial tensor of the sample.
template <class F>
FusionSample map_images(const FusionSample& sample, F f) {
  FusionSample out = sample;
  out.vi = f(sample.vi);
  out.ir = f(sample.ir);
  out.mask = f(sample.mask);
  return out;
}

}  // namespace

FusionSample random_crop(const FusionSample& sample, int64_t size, std::mt19937_64& rng) {
  const auto h = sample.vi.size(1), w = sample.vi.size(2);
  const auto pad_h = std::max<int64_t>(0, size - h), pad_w = std::max<int64_t>(0, size - w);
  std::uniform_int_distribution<int64_t> top_dist(0, std::max<int64_t>(0, h - size));
  std::uniform_int_distribution<int64_t> left_dist(0, std::max<int64_t>(0, w - size));
  const auto top = top_dist(rng), left = left_dist(rng);
  return map_images(sample, [&](const torch::Tensor& t) {
    const auto padded =
        (pad_h || pad_w) ? torch::constant_pad_nd(t, {0, pad_w, 0, pad_h}, 0) : t;
    return padded.narrow(1, top, size).narrow(2, left, size).contiguous();
  });
}

FusionSample random_flip(const FusionSample& sample, bool horizontal, bool vertical,
                         std::mt19937_64& rng) {
  std::bernoulli_distribution coin(0.5);
  std::vector<int64_t> dims;
  if (horizontal && coin(rng)) dims.push_back(2);
  if (vertical && coin(rng)) dims.push_back(1);
  if (dims.empty()) return sample;
  return map_images(sample, [&](const torch::Tensor& t) { return t.flip(dims); });
}

}  // namespace tesg::data

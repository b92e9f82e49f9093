#include "tesg/data/augment.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

namespace tesg::data {
namespace {

// vi, ir and mask all encode the pixel position, so alignment after augmentation is checkable:
// every channel of every tensor must hold the same value at each pixel.
FusionSample position_sample(int64_t h, int64_t w) {
  const auto pos = torch::arange(h * w, torch::kFloat32).view({1, h, w}) + 1;
  return {"s", pos.expand({3, h, w}).clone(), pos.clone(), pos.clone(), torch::ones({5, 4})};
}

void expect_aligned(const FusionSample& s) {
  EXPECT_TRUE(torch::equal(s.vi[0], s.ir[0]));
  EXPECT_TRUE(torch::equal(s.vi[2], s.mask[0]));
}

TEST(AugmentTest, CropIsJointAndInBounds) {
  std::mt19937_64 rng(7);
  const auto sample = position_sample(20, 30);
  std::set<float> corners;
  for (int i = 0; i < 20; ++i) {
    const auto crop = random_crop(sample, 8, rng);
    ASSERT_EQ(crop.vi.sizes(), (std::vector<int64_t>{3, 8, 8}));
    ASSERT_EQ(crop.mask.sizes(), (std::vector<int64_t>{1, 8, 8}));
    expect_aligned(crop);
    // A contiguous window: the right neighbour is +1, the one below +30.
    EXPECT_EQ(crop.ir[0][0][1].item<float>() - crop.ir[0][0][0].item<float>(), 1.f);
    EXPECT_EQ(crop.ir[0][1][0].item<float>() - crop.ir[0][0][0].item<float>(), 30.f);
    corners.insert(crop.ir[0][0][0].item<float>());
    EXPECT_TRUE(torch::equal(crop.ft, sample.ft));
  }
  EXPECT_GT(corners.size(), 5u);  // positions vary
}

TEST(AugmentTest, SmallImagesAreZeroPadded) {
  std::mt19937_64 rng(1);
  const auto crop = random_crop(position_sample(5, 3), 8, rng);
  ASSERT_EQ(crop.vi.sizes(), (std::vector<int64_t>{3, 8, 8}));
  expect_aligned(crop);
  EXPECT_TRUE(torch::equal(crop.ir.narrow(1, 0, 5).narrow(2, 0, 3), position_sample(5, 3).ir));
  EXPECT_EQ(crop.ir.narrow(1, 5, 3).abs().sum().item<float>(), 0.f);
  EXPECT_EQ(crop.ir.narrow(2, 3, 5).abs().sum().item<float>(), 0.f);
}

TEST(AugmentTest, FlipsAreJointAndBothHappen) {
  std::mt19937_64 rng(3);
  const auto sample = position_sample(4, 6);
  bool saw_h = false, saw_v = false;
  for (int i = 0; i < 20; ++i) {
    const auto flipped = random_flip(sample, true, true, rng);
    expect_aligned(flipped);
    saw_h |= torch::equal(flipped.ir, sample.ir.flip({2})) ||
             torch::equal(flipped.ir, sample.ir.flip({1, 2}));
    saw_v |= torch::equal(flipped.ir, sample.ir.flip({1}));
  }
  EXPECT_TRUE(saw_h && saw_v);
  EXPECT_TRUE(torch::equal(random_flip(sample, false, false, rng).ir, sample.ir));
}

TEST(AugmentTest, PlacementMakesTheSameDrawsAsCropThenFlip) {
  const auto sample = position_sample(20, 30);
  for (uint64_t seed = 0; seed < 10; ++seed) {
    std::mt19937_64 a(seed), b(seed);
    const auto expected = random_flip(random_crop(sample, 8, a), true, true, a);
    const auto placement = draw_placement(20, 30, 8, true, true, b);
    EXPECT_TRUE(torch::equal(place(sample, placement).vi, expected.vi)) << seed;
    EXPECT_EQ(a(), b()) << "the generators are left in the same state";
  }
}

TEST(AugmentTest, LabelBoxesFollowCropAndFlips) {
  const detect::Objects objects = {{{10, 4, 14, 12}, 1},   // inside the crop
                                   {{0, 0, 11, 5}, 2},     // 1 of 11 columns inside: dropped
                                   {{16, 4, 24, 10}, 0}}; // half inside: kept, clipped
  Placement p;
  p.top = 2, p.left = 10, p.size = 10;
  auto placed = place(objects, p, 0.5);
  ASSERT_EQ(placed.size(), 2u);
  EXPECT_EQ(placed[0].cls, 1);
  EXPECT_FLOAT_EQ(placed[0].box.x1, 0);
  EXPECT_FLOAT_EQ(placed[0].box.y2, 10);
  EXPECT_FLOAT_EQ(placed[1].box.x1, 6);
  EXPECT_FLOAT_EQ(placed[1].box.x2, 10);  // clipped at the crop's right edge
  p.hflip = p.vflip = true;
  placed = place(objects, p, 0.5);
  EXPECT_FLOAT_EQ(placed[0].box.x1, 6);   // 10 - 4
  EXPECT_FLOAT_EQ(placed[0].box.x2, 10);  // 10 - 0
  EXPECT_FLOAT_EQ(placed[0].box.y1, 0);   // 10 - 10
  EXPECT_FLOAT_EQ(placed[0].box.y2, 8);   // 10 - 2
  // The pixels move the same way: the object's corner pixel lands where its box says.
  const auto image = place(position_sample(20, 30), p);
  EXPECT_EQ(image.ir[0][9][9].item<float>(), 2 * 30 + 10 + 1);  // frame (row 2, col 10)
}

}  // namespace
}  // namespace tesg::data

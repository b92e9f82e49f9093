// Tile planning and blending: full coverage, the pixel budget, the overlap, exact recombination.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support.h"
#include "tesg/error.h"
#include "tesg/infer/tiling.h"

namespace tesg::infer {
namespace {

TEST(PlanTiles, OneTileWhenTheFrameFits) {
  const auto tiles = plan_tiles(480, 640, 640 * 480, 64);
  ASSERT_EQ(tiles.size(), 1u);
  EXPECT_EQ(tiles[0].y1, 480);
  EXPECT_EQ(tiles[0].x1, 640);
}

TEST(PlanTiles, TilesCoverTheFrameWithinBudgetAndOverlap) {
  for (const auto& [h, w, budget, overlap] :
       std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t>>{
           {1024, 1280, 300000, 64}, {481, 641, 100000, 32}, {2160, 3840, 1500000, 64}, {97, 5000, 20000, 8}}) {
    const auto tiles = plan_tiles(h, w, budget, overlap);
    EXPECT_GT(tiles.size(), 1u);
    auto covered = torch::zeros({h, w}, torch::kInt);
    for (const auto& t : tiles) {
      EXPECT_LE((t.y1 - t.y0) * (t.x1 - t.x0), budget);
      EXPECT_GE(t.y0, 0);
      EXPECT_GE(t.x0, 0);
      EXPECT_LE(t.y1, h);
      EXPECT_LE(t.x1, w);
      covered.narrow(0, t.y0, t.y1 - t.y0).narrow(1, t.x0, t.x1 - t.x0).add_(1);
    }
    EXPECT_EQ(covered.min().item<int>(), 1) << h << "x" << w << ": a pixel is not covered";
    // Neighbours in a row overlap by at least `overlap` columns.
    for (size_t k = 1; k < tiles.size(); ++k) {
      if (tiles[k].y0 == tiles[k - 1].y0) EXPECT_GE(tiles[k - 1].x1 - tiles[k].x0, overlap);
    }
  }
}

TEST(PlanTiles, ABudgetWithoutRoomForTheOverlapIsRefused) {
  EXPECT_THROW_WITH(plan_tiles(1000, 1000, 100, 64), ConfigError, "fuse.tile_pixels: 100 pixels");
}

// A per-pixel method gives exactly the untiled result: the blend weights sum to one.
TEST(WithTiling, PerPixelFusionIsRecombinedExactly) {
  torch::manual_seed(1);
  const auto vi = torch::rand({2, 3, 101, 157}), ir = torch::rand({2, 1, 101, 157});
  const auto mask = (torch::rand({2, 1, 101, 157}) > 0.5).to(torch::kFloat);
  int calls = 0;
  const FuseFn per_pixel = [&calls](const torch::Tensor& v, const torch::Tensor& i,
                                    const torch::Tensor& m, const torch::Tensor&) {
    ++calls;
    return v * m + i * (1 - m);
  };
  const auto whole = per_pixel(vi, ir, mask, {});
  calls = 0;
  const auto tiled = with_tiling(per_pixel, 4000, 16)(vi, ir, mask, {});
  EXPECT_GT(calls, 4);
  EXPECT_EQ(tiled.sizes(), whole.sizes());
  EXPECT_LT((tiled - whole).abs().max().item<float>(), 1e-6);
}

TEST(WithTiling, TextSemanticsReachEveryTileWhole) {
  const auto ft = torch::rand({1, 5, 8});
  const FuseFn check = [&ft](const torch::Tensor& v, const torch::Tensor&, const torch::Tensor&,
                             const torch::Tensor& f) {
    EXPECT_TRUE(f.equal(ft));
    return v;
  };
  with_tiling(check, 1000, 4)(torch::rand({1, 3, 60, 60}), torch::rand({1, 1, 60, 60}),
                              torch::zeros({1, 1, 60, 60}), ft);
}

}  // namespace
}  // namespace tesg::infer

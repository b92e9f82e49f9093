#include "tesg/infer/tiling.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "tesg/error.h"

namespace tesg::infer {
namespace {

// Length of each of `n` tiles covering `length` with `overlap` between neighbours.
int64_t tile_length(int64_t length, int64_t n, int64_t overlap) {
  return n == 1 ? length : (length + (n - 1) * overlap + n - 1) / n;
}

// Start of tile `i` of `n`, spread evenly so the first starts at 0 and the last ends at `length`.
int64_t tile_start(int64_t length, int64_t tile, int64_t n, int64_t i) {
  return n == 1 ? 0 : static_cast<int64_t>(std::llround(double(i) * double(length - tile) / double(n - 1)));
}

// Blend weights along one axis of a tile: a raised-cosine ramp over `overlap` pixels at each
// edge that has a neighbour, 1 elsewhere; never 0, so every pixel is covered.
torch::Tensor ramp(int64_t length, int64_t overlap, bool lead, bool trail) {
  auto w = torch::ones({length});
  const int64_t n = std::min(overlap, length);
  if (n == 0) return w;
  const auto p = (torch::arange(n, torch::kFloat) + 0.5) / static_cast<double>(n);
  const auto rise = torch::sin(p * (M_PI / 2)).pow(2);
  if (lead) w.narrow(0, 0, n).mul_(rise);
  if (trail) w.narrow(0, length - n, n).mul_(rise.flip(0));
  return w;
}

}  // namespace

std::vector<Tile> plan_tiles(int64_t h, int64_t w, int64_t max_pixels, int64_t overlap) {
  if (h * w <= max_pixels) return {{0, h, 0, w}};
  int64_t best_ny = 0, best_nx = 0, best_count = 0;
  for (int64_t ny = 1; best_count == 0 || ny < best_count; ++ny) {
    const int64_t th = tile_length(h, ny, overlap);
    if (th <= 2 * overlap || ny > h) break;
    const int64_t max_tw = max_pixels / th;
    if (max_tw <= 2 * overlap) continue;
    // Fewest columns whose tiles fit in max_pixels.
    int64_t nx = 1;
    while (tile_length(w, nx, overlap) > max_tw && nx <= w) ++nx;
    if (tile_length(w, nx, overlap) > max_tw) continue;
    if (best_count == 0 || ny * nx < best_count) best_ny = ny, best_nx = nx, best_count = ny * nx;
  }
  if (best_count == 0) {
    throw ConfigError("fuse.tile_pixels: " + std::to_string(max_pixels) +
                      " pixels leave no room for tiles overlapping by fuse.tile_overlap = " +
                      std::to_string(overlap) + " pixels");
  }
  const int64_t th = tile_length(h, best_ny, overlap), tw = tile_length(w, best_nx, overlap);
  std::vector<Tile> tiles;
  for (int64_t i = 0; i < best_ny; ++i) {
    const int64_t y0 = tile_start(h, th, best_ny, i);
    for (int64_t j = 0; j < best_nx; ++j) {
      const int64_t x0 = tile_start(w, tw, best_nx, j);
      tiles.push_back({y0, y0 + th, x0, x0 + tw});
    }
  }
  return tiles;
}

FuseFn with_tiling(FuseFn fuse, int64_t max_pixels, int64_t overlap) {
  return [fuse = std::move(fuse), max_pixels, overlap](
             const torch::Tensor& vi, const torch::Tensor& ir, const torch::Tensor& mask,
             const torch::Tensor& ft) {
    const int64_t h = vi.size(2), w = vi.size(3);
    const auto tiles = plan_tiles(h, w, max_pixels, overlap);
    if (tiles.size() == 1) return fuse(vi, ir, mask, ft);
    auto sum = torch::zeros({vi.size(0), 3, h, w});
    auto weight = torch::zeros({1, 1, h, w});
    for (const auto& t : tiles) {
      auto crop = [&](const torch::Tensor& x) {
        return x.narrow(2, t.y0, t.y1 - t.y0).narrow(3, t.x0, t.x1 - t.x0);
      };
      const auto wy = ramp(t.y1 - t.y0, overlap, t.y0 > 0, t.y1 < h);
      const auto wx = ramp(t.x1 - t.x0, overlap, t.x0 > 0, t.x1 < w);
      const auto tile_weight = wy.unsqueeze(1).mul(wx.unsqueeze(0)).view({1, 1, wy.size(0), wx.size(0)});
      crop(sum).add_(fuse(crop(vi), crop(ir), crop(mask), ft).mul(tile_weight));
      crop(weight).add_(tile_weight);
    }
    return sum.div_(weight);
  };
}

}  // namespace tesg::infer

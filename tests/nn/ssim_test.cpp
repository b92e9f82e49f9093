#include "tesg/nn/ssim.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

namespace tesg::nn {
namespace {

// Straightforward SSIM in double precision over a single-channel image stored row-major:
// Gaussian-weighted moments for every valid window position, then the mean of the map.
double reference_ssim(const std::vector<double>& x, const std::vector<double>& y, int h, int w,
                      int size, double sigma) {
  std::vector<double> g(size);
  double total = 0;
  for (int i = 0; i < size; ++i) {
    const double d = i - (size - 1) / 2.0;
    total += g[i] = std::exp(-d * d / (2 * sigma * sigma));
  }
  const double c1 = 1e-4, c2 = 9e-4;
  double sum = 0;
  int count = 0;
  for (int r = 0; r + size <= h; ++r) {
    for (int c = 0; c + size <= w; ++c) {
      double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
      for (int i = 0; i < size; ++i) {
        for (int j = 0; j < size; ++j) {
          const double wt = g[i] * g[j] / (total * total);
          const double a = x[(r + i) * w + c + j], b = y[(r + i) * w + c + j];
          mx += wt * a, my += wt * b, xx += wt * a * a, yy += wt * b * b, xy += wt * a * b;
        }
      }
      const double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
      sum += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      ++count;
    }
  }
  return sum / count;
}

TEST(SSIMTest, IdenticalImagesScoreOne) {
  const auto x = torch::rand({2, 3, 20, 17});
  EXPECT_NEAR(ssim(x, x).item<double>(), 1.0, 1e-6);
}

TEST(SSIMTest, MatchesIndependentDoublePrecisionComputation) {
  const int h = 14, w = 12, size = 7;
  const auto x = torch::rand({1, 1, h, w}, torch::kFloat64);
  const auto y = (x * 0.6 + torch::rand({1, 1, h, w}, torch::kFloat64) * 0.4);
  const std::vector<double> xv(x.data_ptr<double>(), x.data_ptr<double>() + h * w);
  const std::vector<double> yv(y.data_ptr<double>(), y.data_ptr<double>() + h * w);
  const double expected = reference_ssim(xv, yv, h, w, size, 1.5);
  const double got = ssim(x, y, SSIMOptions().window(size)).item<double>();
  EXPECT_NEAR(got, expected, 1e-10);
  EXPECT_LT(expected, 0.99);  // the case is not trivial
  // Float32, as in training: within float rounding.
  EXPECT_NEAR(ssim(x.to(torch::kFloat32), y.to(torch::kFloat32), SSIMOptions().window(size))
                  .item<double>(), expected, 1e-5);
}

TEST(SSIMTest, EachChannelOfEachImageIsItsOwnSingleChannelSSIM) {
  const int h = 13, w = 16, size = 5;
  const auto x = torch::rand({2, 3, h, w}, torch::kFloat64);
  const auto y = (x * 0.5 + torch::rand({2, 3, h, w}, torch::kFloat64) * 0.5);
  double mean = 0;
  for (int b = 0; b < 2; ++b) {
    for (int c = 0; c < 3; ++c) {
      const auto xc = x[b][c].contiguous(), yc = y[b][c].contiguous();
      mean += reference_ssim({xc.data_ptr<double>(), xc.data_ptr<double>() + h * w},
                             {yc.data_ptr<double>(), yc.data_ptr<double>() + h * w}, h, w, size, 1.5) / 6;
    }
  }
  EXPECT_NEAR(ssim(x, y, SSIMOptions().window(size)).item<double>(), mean, 1e-10);
}

TEST(SSIMTest, WindowIsClippedToSmallImagesAndIsSymmetric) {
  const auto x = torch::rand({1, 1, 5, 9}), y = torch::rand({1, 1, 5, 9});
  const auto xy = ssim(x, y, SSIMOptions().window(48)).item<double>();
  EXPECT_TRUE(std::isfinite(xy));
  EXPECT_NEAR(xy, ssim(y, x, SSIMOptions().window(48)).item<double>(), 1e-7);
  EXPECT_NEAR(xy, ssim(x, y, SSIMOptions().window(5)).item<double>(), 1e-7);  // min(48,5,9) = 5
}

}  // namespace
}  // namespace tesg::nn

#include "tesg/nn/text_informed_visual_reconstruction.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace tesg::nn {
namespace {

TextInformedVisualReconstruction make() {
  return TextInformedVisualReconstruction(
      TextInformedVisualReconstructionOptions(8).text_dim(12).attn_dim(8).heads(2));
}

TEST(TextInformedVisualReconstructionTest, KeepsVisualShapeForAnyTextLength) {
  auto tivr = make();
  const auto cat = torch::randn({2, 8, 5, 7});
  for (const int64_t tokens : {1, 77}) {
    EXPECT_EQ(tivr(cat, torch::randn({2, tokens, 12})).sizes(), cat.sizes());
  }
}

TEST(TextInformedVisualReconstructionTest, ChangingTextChangesOutput) {
  auto tivr = make();
  const auto cat = torch::randn({1, 8, 4, 4});
  const auto a = tivr(cat, torch::randn({1, 5, 12}));
  const auto b = tivr(cat, torch::randn({1, 5, 12}));
  EXPECT_GT((a - b).abs().max().item<float>(), 1e-4);
}

TEST(TextInformedVisualReconstructionTest, SingleTokenAddsTheSameVectorToEveryPixel) {
  // Softmax over one token is 1: every pixel receives project_out(to_v(token)).
  auto tivr = make();
  const auto cat = torch::randn({1, 8, 3, 4});
  const auto ft = torch::randn({1, 1, 12});
  const auto added = tivr(cat, ft) - cat;
  const auto expected = tivr->project_out(tivr->to_v(tivr->norm_text(ft))).view({1, 8, 1, 1});
  EXPECT_TRUE(torch::allclose(added, expected.expand_as(added), 1e-5, 1e-5));
}

TEST(TextInformedVisualReconstructionTest, PixelChunksGiveTheSameResult) {
  auto whole = make();
  auto chunked = TextInformedVisualReconstruction(
      TextInformedVisualReconstructionOptions(8).text_dim(12).attn_dim(8).heads(2).pixel_chunk(7));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < whole->parameters().size(); ++i) {
    chunked->parameters()[i].copy_(whole->parameters()[i]);
  }
  const auto cat = torch::randn({2, 8, 5, 9}), ft = torch::randn({2, 6, 12});
  EXPECT_TRUE(torch::allclose(chunked(cat, ft), whole(cat, ft), 1e-6, 1e-6));
}

}  // namespace
}  // namespace tesg::nn

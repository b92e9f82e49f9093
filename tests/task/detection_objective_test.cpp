// The detection objective of task-driven training on hand-made candidates: zero when the fused
// image keeps what the more confident source shows, a hinge that stops at the teacher's score,
// box agreement, and labels that add targets the sources miss.
#include "tesg/task/detection_objective.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "support.h"
#include "tesg/error.h"

namespace tesg::task {
namespace {

using torch::indexing::Slice;

// Candidates [B, N, 4 + K]: boxes 20..60 px, scores in [0, 1).
at::Tensor random_candidates(int64_t b, int64_t n, int64_t k) {
  return torch::cat({torch::rand({b, n, 4}) * 40 + 20, torch::rand({b, n, k})}, 2);
}

TEST(DetectionObjectiveTest, ZeroWhenFusedIsTheMoreConfidentSourceAtEveryCandidate) {
  torch::manual_seed(1);
  auto ir = random_candidates(2, 200, 3);
  ir.index({Slice(), Slice(), Slice(4)}).mul_(0.5);  // below 0.5, so that 1.8 x stays below 1
  // At each candidate one source is more confident in every class: vi = ir scaled by 0.5 or 1.8.
  const auto factor = torch::where(torch::rand({2, 200, 1}) < 0.5, torch::full({1}, 0.5), torch::full({1}, 1.8));
  auto vi = random_candidates(2, 200, 3);
  vi.index_put_({Slice(), Slice(), Slice(4)}, ir.index({Slice(), Slice(), Slice(4)}) * factor);
  const auto ir_leads = (factor < 1).expand({2, 200, 7});
  const auto fused = torch::where(ir_leads, ir, vi).requires_grad_(true);
  const auto t = detection_objective(fused, ir, vi);
  EXPECT_GT(t.targets, 50);
  EXPECT_EQ(t.total.item<double>(), 0.0);
  // The other source instead: every target where it is less confident now counts.
  const auto wrong = torch::where(ir_leads, vi, ir);
  const auto w = detection_objective(wrong, ir, vi);
  EXPECT_GT(w.score.item<double>(), 0.01);
  EXPECT_GT(w.box.item<double>(), 0.01);
}

TEST(DetectionObjectiveTest, HingeStopsAtTheTeacherAndIgnoresUnconfidentCandidates) {
  auto ir = torch::zeros({1, 4, 6});
  ir.index_put_({0, Slice(), Slice(0, 4)}, torch::tensor({50.f, 50.f, 20.f, 40.f}));
  auto vi = ir.clone();
  ir.index_put_({0, 0, 4}, 0.8f);  // target: ir sees class 0 at 0.8
  vi.index_put_({0, 1, 5}, 0.6f);  // target: vi sees class 1 at 0.6
  ir.index_put_({0, 2, 4}, 0.2f);  // below `confident` (0.25): no target
  auto fused = ir.clone();
  fused.index_put_({0, 0, 4}, 0.9f);  // above the teacher: no reward, no cost
  fused.index_put_({0, 1, 5}, 0.4f);  // 0.2 short
  fused.index_put_({0, 2, 4}, 0.0f);
  fused.index_put_({0, 3, 4}, 0.0f);
  fused.requires_grad_(true);
  const auto t = detection_objective(fused, ir, vi);
  EXPECT_EQ(t.targets, 2);
  EXPECT_NEAR(t.score.item<double>(), 0.2 / 2, 1e-6);
  EXPECT_NEAR(t.box.item<double>(), 0.0, 1e-9);
  t.total.backward();
  const auto g = fused.grad();
  EXPECT_NEAR(g[0][1][5].item<double>(), -0.5, 1e-6);  // d(0.2 / 2) / d(score)
  EXPECT_EQ(g.index({0, 0, Slice(4)}).abs().sum().item<double>(), 0.0);  // above its teacher
  EXPECT_EQ(g.index({0, 2}).abs().sum().item<double>(), 0.0);             // not a target
  EXPECT_EQ(g.index({0, 3}).abs().sum().item<double>(), 0.0);
}

TEST(DetectionObjectiveTest, BoxAgreementIsRelativeToTheTeachersBox) {
  auto ir = torch::zeros({1, 1, 5});
  ir.index_put_({0, 0}, torch::tensor({100.f, 100.f, 20.f, 40.f, 0.9f}));
  const auto vi = torch::zeros({1, 1, 5});
  auto fused = ir.clone();
  fused.index_put_({0, 0, 0}, 104.f);  // 4 px right: 4 / 20
  fused.index_put_({0, 0, 3}, 36.f);   // 4 px lower: 4 / 40
  const auto t = detection_objective(fused, ir, vi, DetectionObjectiveOptions().box_weight(2));
  EXPECT_NEAR(t.box.item<double>(), 0.2 + 0.1, 1e-6);
  EXPECT_NEAR(t.total.item<double>(), 2 * 0.3, 1e-6);
}

TEST(DetectionObjectiveTest, LabelsAddTargetsTheSourcesMiss) {
  auto ir = torch::zeros({2, 3, 6});  // neither source sees anything
  ir.index_put_({Slice(), Slice(), Slice(0, 4)}, torch::tensor({50.f, 50.f, 20.f, 40.f}));
  ir.index_put_({Slice(), 2, Slice(0, 4)}, torch::tensor({200.f, 200.f, 20.f, 40.f}));  // elsewhere
  const auto vi = ir.clone();
  auto fused = ir.clone();
  fused.index_put_({0, 0, 5}, 0.1f);
  const auto none = detection_objective(fused, ir, vi);
  EXPECT_EQ(none.targets, 0);
  EXPECT_EQ(none.total.item<double>(), 0.0);
  // Image 0: a class-1 object exactly on candidates 0 and 1, 2 px lower; image 1: unlabelled.
  const detect::Objects objects = {{{40.f, 32.f, 60.f, 72.f}, 1}};
  const auto options = DetectionObjectiveOptions().label_score(0.7);
  const auto t = detection_objective(fused, ir, vi, options, {objects, std::nullopt});
  EXPECT_EQ(t.targets, 2);
  EXPECT_NEAR(t.score.item<double>(), ((0.7 - 0.1) + 0.7) / 2, 1e-6);
  EXPECT_NEAR(t.box.item<double>(), 2.0 / 40, 1e-6);
  // A confident source above the label score stays the target.
  auto sure = ir.clone();
  sure.index_put_({0, 0, 5}, 0.9f);
  EXPECT_NEAR(detection_objective(fused, sure, vi, options, {objects, std::nullopt}).score.item<double>(),
              ((0.9 - 0.1) + 0.7) / 2, 1e-6);
  EXPECT_THROW_WITH(detection_objective(fused, ir, vi, options, {objects}), Error, "labels for 1 images");
  EXPECT_THROW_WITH(detection_objective(fused, ir, vi, options, {detect::Objects{{{0, 0, 1, 1}, 2}}, std::nullopt}),
                    Error, "label class 2 outside the 2 scored classes");
}

TEST(DetectionObjectiveTest, RefusesCandidatesOfDifferentShapes) {
  EXPECT_THROW_WITH(detection_objective(torch::zeros({1, 3, 6}), torch::zeros({1, 4, 6}), torch::zeros({1, 3, 6})),
                    Error, "three [B, N, 4 + K] of one shape");
}

}  // namespace
}  // namespace tesg::task

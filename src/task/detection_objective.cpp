#include "tesg/task/detection_objective.h"

#include <torch/torch.h>

#include "tesg/error.h"

namespace tesg::task {
namespace {

using torch::indexing::Slice;

at::Tensor boxes_of(const at::Tensor& candidates) { return candidates.index({Slice(), Slice(), Slice(0, 4)}); }
at::Tensor scores_of(const at::Tensor& candidates) { return candidates.index({Slice(), Slice(), Slice(4)}); }

// IoU of boxes [N, 4] (cx, cy, w, h) with one box (x1, y1, x2, y2): [N].
at::Tensor iou_with(const at::Tensor& cxcywh, const detect::Box& b) {
  const auto half = cxcywh.narrow(1, 2, 2) / 2;
  const auto lo = cxcywh.narrow(1, 0, 2) - half, hi = cxcywh.narrow(1, 0, 2) + half;
  const auto box_lo = torch::tensor({b.x1, b.y1}, cxcywh.options());
  const auto box_hi = torch::tensor({b.x2, b.y2}, cxcywh.options());
  const auto wh = (torch::minimum(hi, box_hi) - torch::maximum(lo, box_lo)).clamp_min(0);
  const auto inter = wh.select(1, 0) * wh.select(1, 1);
  const auto area = cxcywh.select(1, 2) * cxcywh.select(1, 3);
  const auto box_area = static_cast<double>(b.x2 - b.x1) * (b.y2 - b.y1);
  return inter / (area + box_area - inter + 1e-7);
}

// Labels raise the teacher: candidates overlapping a label box (with any of their three boxes)
// get at least label_score for its class, and the label's box.
void apply_labels(const std::vector<ImageLabels>& labels, const std::vector<at::Tensor>& boxes,
                  const DetectionObjectiveOptions& options, at::Tensor& teacher_scores, at::Tensor& teacher_boxes) {
  const auto classes = teacher_scores.size(2);
  for (size_t b = 0; b < labels.size(); ++b) {
    if (!labels[b]) continue;
    const auto i = static_cast<int64_t>(b);
    for (const auto& object : *labels[b]) {
      if (object.cls < 0 || object.cls >= classes)
        throw Error("detection objective: label class " + std::to_string(object.cls) + " outside the " +
                    std::to_string(classes) + " scored classes");
      auto best = iou_with(boxes[0][i], object.box);
      for (size_t k = 1; k < boxes.size(); ++k) best = torch::maximum(best, iou_with(boxes[k][i], object.box));
      const auto matched = best >= options.label_iou();
      auto column = teacher_scores[i].select(1, object.cls);
      column.copy_(torch::where(matched, column.clamp_min(options.label_score()), column));
      const auto box = torch::tensor({(object.box.x1 + object.box.x2) / 2, (object.box.y1 + object.box.y2) / 2,
                                      object.box.x2 - object.box.x1, object.box.y2 - object.box.y1},
                                     teacher_boxes.options());
      teacher_boxes[i].copy_(torch::where(matched.unsqueeze(1), box.expand_as(teacher_boxes[i]), teacher_boxes[i]));
    }
  }
}

}  // namespace

DetectionObjectiveTerms detection_objective(const at::Tensor& fused, const at::Tensor& ir, const at::Tensor& vi,
                                            const DetectionObjectiveOptions& options,
                                            const std::vector<ImageLabels>& labels) {
  if (fused.dim() != 3 || fused.size(2) < 5 || !fused.sizes().equals(ir.sizes()) || !fused.sizes().equals(vi.sizes()))
    throw Error("detection objective: candidates must be three [B, N, 4 + K] of one shape");
  if (!labels.empty() && static_cast<int64_t>(labels.size()) != fused.size(0))
    throw Error("detection objective: labels for " + std::to_string(labels.size()) + " images, candidates for " +
                std::to_string(fused.size(0)));
  at::Tensor teacher_scores, teacher_boxes;
  {
    torch::NoGradGuard no_grad;
    const auto ir_c = ir.detach().to(torch::kFloat32), vi_c = vi.detach().to(torch::kFloat32);
    teacher_scores = torch::maximum(scores_of(ir_c), scores_of(vi_c));
    // Per candidate, the box of the source that is more confident there (in any class).
    const auto ir_leads = std::get<0>(scores_of(ir_c).max(2)) >= std::get<0>(scores_of(vi_c).max(2));
    teacher_boxes = torch::where(ir_leads.unsqueeze(2), boxes_of(ir_c), boxes_of(vi_c));
    if (!labels.empty())
      apply_labels(labels, {boxes_of(fused.detach()), boxes_of(ir_c), boxes_of(vi_c)}, options, teacher_scores,
                   teacher_boxes);
  }
  const auto targets = (teacher_scores > options.confident()).to(torch::kFloat32);  // [B, N, K]
  const auto count = targets.sum();
  DetectionObjectiveTerms t;
  t.targets = static_cast<int64_t>(count.item<double>());
  // Eq.: L_score = sum over targets of max(0, s_teacher - s_fused) / #targets.
  t.score = ((teacher_scores - scores_of(fused)).clamp_min(0) * targets).sum() / count.clamp_min(1);
  // Eq.: L_box = sum over target candidates of |b_fused - b_teacher|_1 / (w, h, w, h)_teacher / #candidates.
  const auto candidates = std::get<0>(targets.max(2));  // [B, N]: any class a target
  const auto size = teacher_boxes.narrow(2, 2, 2).clamp_min(1).repeat({1, 1, 2});
  const auto distance = ((boxes_of(fused) - teacher_boxes).abs() / size).sum(2);
  t.box = (distance * candidates).sum() / candidates.sum().clamp_min(1);
  t.total = t.score + options.box_weight() * t.box;
  return t;
}

}  // namespace tesg::task

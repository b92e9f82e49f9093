#include "tesg/detect/detection_metrics.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <thread>

namespace tesg::detect {
namespace {

constexpr double kEps = 1e-16;        // ap_per_class's eps
constexpr int kCurvePoints = 1000;    // confidence axis of the P, R and F1 curves
constexpr int kApPoints = 101;        // COCO's 101-point interpolation
constexpr double kF1Smoothing = 0.1;  // box filter over 10 % of the F1 curve

// np.linspace(0, 1, n): i * (1 / (n - 1)), the last point exactly 1.
std::vector<double> unit_linspace(int n) {
  std::vector<double> x(n);
  const double step = 1.0 / (n - 1);
  for (int i = 0; i < n; ++i) x[i] = i * step;
  x.back() = 1.0;
  return x;
}

// np.interp(x, xp, fp, left, right) for non-decreasing xp, with numpy's rules for repeated xp
// (the last of equal points) and for x on a point (its value).
double interp(double x, const std::vector<double>& xp, const std::vector<double>& fp, double left,
              double right) {
  const size_t n = xp.size();
  if (x > xp[n - 1]) return right;
  if (x < xp[0]) return left;
  const size_t j = std::upper_bound(xp.begin(), xp.end(), x) - xp.begin() - 1;
  if (j == n - 1 || xp[j] == x) return fp[j];
  const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  double y = slope * (x - xp[j]) + fp[j];
  if (std::isnan(y)) {
    y = slope * (x - xp[j + 1]) + fp[j + 1];
    if (std::isnan(y) && fp[j] == fp[j + 1]) y = fp[j];
  }
  return y;
}

// compute_ap: area under the precision envelope, 101-point interpolated, trapezoidal rule.
double compute_ap(const std::vector<double>& recall, const std::vector<double>& precision) {
  std::vector<double> mrec{0.0}, mpre{1.0};
  mrec.insert(mrec.end(), recall.begin(), recall.end());
  mpre.insert(mpre.end(), precision.begin(), precision.end());
  mrec.push_back(recall.empty() ? 1.0 : recall.back());
  mrec.push_back(1.0);
  mpre.push_back(0.0);
  mpre.push_back(0.0);
  for (size_t k = mpre.size() - 1; k-- > 0;) mpre[k] = std::max(mpre[k], mpre[k + 1]);
  static const auto x = unit_linspace(kApPoints);
  double area = 0, previous = interp(x[0], mrec, mpre, mpre.front(), mpre.back());
  for (int i = 1; i < kApPoints; ++i) {
    const double y = interp(x[i], mrec, mpre, mpre.front(), mpre.back());
    area += (x[i] - x[i - 1]) * (y + previous) / 2.0;
    previous = y;
  }
  return area;
}

// smooth(y, f): box filter of odd width round(n f 2) // 2 + 1, edges padded with the end values.
std::vector<double> smooth(const std::vector<double>& y, double f) {
  const int64_t n = static_cast<int64_t>(y.size());
  const int64_t width = static_cast<int64_t>(std::nearbyint(n * f * 2)) / 2 + 1, half = width / 2;
  std::vector<double> padded(half, y.front());
  padded.insert(padded.end(), y.begin(), y.end());
  padded.insert(padded.end(), half, y.back());
  const double weight = 1.0 / width;
  std::vector<double> out(n);
  for (int64_t i = 0; i < n; ++i) {
    double s = 0;
    for (int64_t k = 0; k < width; ++k) s += padded[i + k] * weight;
    out[i] = s;
  }
  return out;
}

struct Concatenated {
  std::vector<float> conf;
  std::vector<int> cls;
  std::vector<const Hits*> hits;
  std::vector<int> targets;
};

Concatenated concatenate(const std::vector<const ImageMatches*>& images) {
  Concatenated c;
  for (const auto* m : images) {
    c.conf.insert(c.conf.end(), m->conf.begin(), m->conf.end());
    c.cls.insert(c.cls.end(), m->pred_cls.begin(), m->pred_cls.end());
    for (const auto& h : m->correct) c.hits.push_back(&h);
    c.targets.insert(c.targets.end(), m->target_cls.begin(), m->target_cls.end());
  }
  return c;
}

// P and R (at the curve points) and AP of one class; its predictions sorted by confidence.
struct ClassCurves {
  std::vector<double> p, r;
};

ClassCurves class_curves(const Concatenated& c, const std::vector<size_t>& preds, ClassScores& s) {
  static const auto x = unit_linspace(kCurvePoints);
  ClassCurves curves{std::vector<double>(kCurvePoints, 0.0), std::vector<double>(kCurvePoints, 0.0)};
  if (preds.empty() || s.labels == 0) return curves;
  const size_t n = preds.size();
  std::vector<double> neg_conf(n);
  std::array<std::vector<double>, kIouThresholds> recall, precision;
  std::array<int64_t, kIouThresholds> tp{};
  for (size_t k = 0; k < n; ++k) {
    neg_conf[k] = -static_cast<double>(c.conf[preds[k]]);
    for (int t = 0; t < kIouThresholds; ++t) {
      tp[t] += (*c.hits[preds[k]])[t];
      recall[t].push_back(tp[t] / (s.labels + kEps));
      precision[t].push_back(static_cast<double>(tp[t]) / static_cast<double>(k + 1));
    }
  }
  for (int i = 0; i < kCurvePoints; ++i) {
    curves.r[i] = interp(-x[i], neg_conf, recall[0], 0.0, recall[0].back());
    curves.p[i] = interp(-x[i], neg_conf, precision[0], 1.0, precision[0].back());
  }
  for (int t = 0; t < kIouThresholds; ++t) s.ap[t] = compute_ap(recall[t], precision[t]);
  return curves;
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

const std::array<float, kIouThresholds>& iou_thresholds() {
  static const auto thresholds = [] {
    std::array<float, kIouThresholds> t{};
    const auto v = torch::linspace(0.5, 0.95, kIouThresholds, torch::kFloat32);
    std::copy(v.data_ptr<float>(), v.data_ptr<float>() + kIouThresholds, t.begin());
    return t;
  }();
  return thresholds;
}

double ClassScores::ap50_95() const {
  return std::accumulate(ap.begin(), ap.end(), 0.0) / kIouThresholds;
}

ImageMatches match_image(const Detections& predictions, const Objects& labels) {
  ImageMatches m;
  for (const auto& l : labels) m.target_cls.push_back(l.cls);
  for (const auto& p : predictions) {
    m.conf.push_back(p.score);
    m.pred_cls.push_back(p.cls);
  }
  m.correct.assign(predictions.size(), Hits{});
  if (labels.empty() || predictions.empty()) return m;
  const auto& thresholds = iou_thresholds();
  const size_t nl = labels.size();
  std::vector<Hits> matched(nl, Hits{});
  std::vector<float> iou(nl);
  for (size_t j = 0; j < predictions.size(); ++j) {
    bool any = false;
    for (size_t l = 0; l < nl; ++l) {
      iou[l] = labels[l].cls == predictions[j].cls ? box_iou(labels[l].box, predictions[j].box) : 0.0f;
      any = any || iou[l] >= thresholds[0];
    }
    if (!any) continue;
    for (int t = 0; t < kIouThresholds; ++t) {
      size_t best = 0;  // first unclaimed label of highest IoU (np.argmax)
      float best_iou = matched[0][t] ? 0.0f : iou[0];
      for (size_t l = 1; l < nl; ++l) {
        const float v = matched[l][t] ? 0.0f : iou[l];
        if (v > best_iou) best = l, best_iou = v;
      }
      m.correct[j][t] = best_iou >= thresholds[t];
      matched[best][t] = matched[best][t] || m.correct[j][t];
    }
  }
  return m;
}

DetectionScores score_detections(const std::vector<const ImageMatches*>& images) {
  const auto c = concatenate(images);
  DetectionScores scores;
  scores.images = static_cast<int64_t>(images.size());
  scores.labels = static_cast<int64_t>(c.targets.size());
  scores.predictions = static_cast<int64_t>(c.conf.size());
  std::vector<size_t> order(c.conf.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.conf[a] > c.conf[b]; });
  std::map<int, int64_t> label_counts;
  for (const int t : c.targets) ++label_counts[t];
  if (label_counts.empty()) return scores;

  std::vector<ClassCurves> curves;
  for (const auto& [cls, count] : label_counts) {
    ClassScores s;
    s.cls = cls, s.labels = count;
    std::vector<size_t> preds;
    for (const auto k : order)
      if (c.cls[k] == cls) preds.push_back(k);
    s.predictions = static_cast<int64_t>(preds.size());
    curves.push_back(class_curves(c, preds, s));
    scores.classes.push_back(s);
  }
  // The confidence of maximum mean F1 (smoothed), shared by all classes.
  std::vector<double> mean_f1(kCurvePoints, 0.0);
  for (const auto& cc : curves)
    for (int i = 0; i < kCurvePoints; ++i) mean_f1[i] += 2 * cc.p[i] * cc.r[i] / (cc.p[i] + cc.r[i] + kEps);
  for (auto& v : mean_f1) v /= static_cast<double>(curves.size());
  const auto smoothed = smooth(mean_f1, kF1Smoothing);
  const auto best = std::max_element(smoothed.begin(), smoothed.end()) - smoothed.begin();
  std::vector<double> p, r, ap50, ap75, ap;
  for (size_t k = 0; k < curves.size(); ++k) {
    auto& s = scores.classes[k];
    s.precision = curves[k].p[best], s.recall = curves[k].r[best];
    s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall + kEps);
    p.push_back(s.precision), r.push_back(s.recall);
    ap50.push_back(s.ap50()), ap75.push_back(s.ap75()), ap.push_back(s.ap50_95());
  }
  scores.precision = mean(p), scores.recall = mean(r);
  scores.map50 = mean(ap50), scores.map75 = mean(ap75), scores.map50_95 = mean(ap);
  return scores;
}

DetectionScores score_detections(const std::vector<ImageMatches>& images) {
  std::vector<const ImageMatches*> pointers;
  for (const auto& m : images) pointers.push_back(&m);
  return score_detections(pointers);
}

namespace {

// numpy's default percentile (linear between the closest ranks).
double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

Interval interval(const std::vector<double>& v, double level) {
  if (v.empty()) return {};
  const double tail = (1 - level) / 2;
  return {percentile(v, tail), percentile(v, 1 - tail)};
}

}  // namespace

std::vector<RowIntervals> bootstrap_intervals(const std::vector<std::vector<const ImageMatches*>>& rows,
                                              int reference, const BootstrapOptions& options) {
  const size_t n_rows = rows.size();
  std::vector<RowIntervals> out(n_rows);
  if (n_rows == 0 || rows[0].empty() || options.resamples <= 0) return out;
  const size_t n_images = rows[0].size();
  // The draws come from one generator in order (deterministic for a seed); the scoring of the
  // resamples is spread over the cores.
  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<size_t> draw(0, n_images - 1);
  std::vector<std::vector<size_t>> samples(options.resamples, std::vector<size_t>(n_images));
  for (auto& sample : samples)
    for (auto& s : sample) s = draw(rng);
  std::vector<std::vector<double>> map50(n_rows, std::vector<double>(options.resamples)), map = map50;
  std::atomic<int> next{0};
  auto work = [&] {
    for (int r = next++; r < options.resamples; r = next++) {
      for (size_t m = 0; m < n_rows; ++m) {
        std::vector<const ImageMatches*> drawn;
        for (const auto i : samples[r])
          if (rows[m][i]) drawn.push_back(rows[m][i]);
        const auto scored = score_detections(drawn);
        map50[m][r] = scored.map50, map[m][r] = scored.map50_95;
      }
    }
  };
  std::vector<std::thread> workers;
  for (unsigned t = 1; t < std::max(1u, std::thread::hardware_concurrency()); ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  std::vector<std::vector<double>> diff50(n_rows), diff(n_rows);
  for (size_t m = 0; m < n_rows && reference >= 0; ++m) {
    for (int r = 0; r < options.resamples; ++r) {
      diff50[m].push_back(map50[m][r] - map50[reference][r]);
      diff[m].push_back(map[m][r] - map[reference][r]);
    }
  }
  for (size_t m = 0; m < n_rows; ++m) {
    out[m] = {interval(map50[m], options.level), interval(map[m], options.level),
              interval(diff50[m], options.level), interval(diff[m], options.level)};
  }
  return out;
}

}  // namespace tesg::detect

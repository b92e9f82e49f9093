#include "tesg/train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tesg/cluster/data_parallel.h"
#include "tesg/cluster/stop_signals.h"
#include "tesg/detect/detector.h"
#include "tesg/error.h"
#include "tesg/fault.h"
#include "tesg/io/atomic_file.h"
#include "tesg/io/read_file.h"
#include "tesg/model_factory.h"
#include "tesg/nn/transformer_block.h"
#include "tesg/progress.h"  // format_duration
#include "tesg/sig/sig_cache.h"
#include "tesg/task/detection_task.h"
#include "tesg/train/checkpoint.h"
#include "tesg/train/curves.h"
#include "tesg/train/lr_schedule.h"
#include "tesg/train/mixed_precision.h"
#include "tesg/train/run_folder.h"
#include "tesg/train/training_set.h"
#include "tesg/train/validation.h"

namespace tesg::train {
namespace fs = std::filesystem;
namespace {

const char* const kLogHeader =
    "step,epoch,lr,loss,intensity,ssim_vi,ssim_ir,color,grad,qabf,vif,task,images_per_s\n";

// The loss terms in log.csv's column order (after `loss`), with their names; `task` is the
// unweighted L_task of the last step that evaluated it (0 without the task loss).
std::vector<std::pair<const char*, double>> loss_terms(const nn::FusionLossTerms& t, double task) {
  return {{"int", t.intensity.item<double>()}, {"ssim_vi", t.ssim_vi.item<double>()},
          {"ssim_ir", t.ssim_ir.item<double>()}, {"color", t.color.item<double>()},
          {"grad", t.grad.item<double>()},       {"qabf", t.qabf.item<double>()},
          {"vif", t.vif.item<double>()},         {"task", task}};
}

void append_line(const std::string& path, const std::string& header, const std::string& line) {
  const bool fresh = !fs::exists(path);
  std::ofstream out(path, std::ios::app);
  if (fresh) out << header;
  out << line;
}

// A resumed run redoes what followed its checkpoint: drops the rows of a CSV log whose first
// column is past `last_kept`, and a row cut short by a kill.
void drop_rows_after(const std::string& path, int64_t last_kept) {
  std::string problem;
  const auto read = io::read_file(path, problem);
  if (!read) return;  // no log yet
  const std::string& text = *read;
  std::string kept;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string row = text.substr(start, end - start + 1);
    char* rest = nullptr;
    const long long key = std::strtoll(row.c_str(), &rest, 10);
    if (start == 0 || (rest != row.c_str() && key <= last_kept)) kept += row;  // header or kept
  }
  io::write_file_atomically(path, kept);
}

// A rank's vote to stop for a signal, in the per-step sum of votes (other reasons vote 1): more
// than the number of ranks.
constexpr double kSignalVote = 1 << 20;

void set_lr(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

// Everything a step reports.
struct StepResult {
  nn::FusionLossTerms terms;
  bool finite = true;
};

// The loss section's task keys as the detection task's options.
task::DetectionTaskOptions task_options(const LossConfig& lc, const torch::Device& device) {
  return task::DetectionTaskOptions()
      .detector(lc.task_detector)
      .classes(lc.task_classes)
      .device(device.str())
      .objective(task::DetectionObjectiveOptions()
                     .confident(lc.task_confident)
                     .box_weight(lc.task_box)
                     .label_iou(lc.task_label_iou)
                     .label_score(lc.task_label_score));
}

// L_task on this step's task batch (this rank's share): the model fuses the crops, the frozen
// detector compares what it sees in them with what it sees in the sources.
task::DetectionObjectiveTerms task_step(task::DetectionTask& task, nn::TeSG& model, const TrainingSet& data,
                                        const Config& config, int64_t step, int rank, int world,
                                        const torch::Device& device) {
  const auto& lc = config.loss;
  const int64_t per_rank = lc.task_batch / world;
  const auto batch = data.task_batch(step, rank * per_rank, per_rank);
  const auto images = batch.images.to(device);
  torch::Tensor fused;
  {
    AutocastScope autocast(config.train.amp);
    fused = model(images.vi, images.ir, images.mask, images.ft);
  }
  const auto& input = task.detector().info();
  std::vector<detect::Letterbox> geometry;
  for (const auto& [w, h] : batch.frames)
    geometry.push_back(detect::Letterbox::fit_crop(lc.task_crop, lc.task_crop, w, h, input.input_w, input.input_h));
  return task(fused.to(torch::kFloat32), images.vi, images.ir, batch.labels, geometry);
}

// <dir>/model_card.md for the checkpoint just written with `info`.
void write_model_card(const fs::path& dir, const CheckpointInfo& info) {
  const auto name = dir.filename().empty() ? dir.parent_path().filename() : dir.filename();  // "runs/x/"
  io::write_file_atomically((dir / "model_card.md").string(), model_card(name.string(), info));
}

double seconds_since(std::chrono::steady_clock::time_point start,
                     std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
  return std::chrono::duration<double>(now - start).count();
}

// train.device as a device: "cuda" is this rank's GPU (LOCAL_RANK).
torch::Device training_device(const TrainConfig& tc) {
  torch::Device device(tc.device);
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw ConfigError("train.device: '" + tc.device + "', but this build or machine has no CUDA device");
  }
  if (device.is_cuda() && !device.has_index()) {
    device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(DataParallel::local_rank_from_environment()));
  }
  if (tc.amp != "none" && !device.is_cuda()) {
    throw ConfigError("train.amp: '" + tc.amp + "' needs train.device cuda (mixed precision is a GPU feature here)");
  }
  if (tc.amp != "none" && tc.activation_checkpointing) {  // the recomputation would not autocast
    throw ConfigError("train.activation_checkpointing: not with train.amp '" + tc.amp + "' (use one or the other)");
  }
  return device;
}

// train.deterministic: deterministic kernels where LibTorch has a choice (warn where it has
// none), and on GPUs full fp32 (no TF32 convolutions or matrix products, no cuDNN autotuning).
void set_deterministic(bool on) {
  auto& context = torch::globalContext();
  context.setDeterministicAlgorithms(on, /*warn_only=*/true);
  context.setDeterministicCuDNN(on);
  context.setAllowTF32CuDNN(!on);
  if (on) context.setAllowTF32CuBLAS(false);
}

// AdamW state onto `device`: a resumed state is read onto the CPU, and checkpoints hold it on
// the CPU so that they load on any machine.
void move_optimizer_state(torch::optim::AdamW& optimizer, const torch::Device& device) {
  for (auto& [key, state] : optimizer.state()) {
    auto& s = static_cast<torch::optim::AdamWParamState&>(*state);
    s.exp_avg(s.exp_avg().to(device));
    s.exp_avg_sq(s.exp_avg_sq().to(device));
    if (s.max_exp_avg_sq().defined()) s.max_exp_avg_sq(s.max_exp_avg_sq().to(device));
  }
}

}  // namespace

TrainSummary train(const Config& config, const TrainOptions& options, DataParallel* dp) {
  const auto& tc = config.train;
  const int rank = dp ? dp->rank() : 0, world = dp ? dp->world_size() : 1;
  const bool lead = rank == 0;
  if (tc.batch % world != 0) {
    throw ConfigError("train.batch: " + std::to_string(tc.batch) + " is not divisible by the " +
                      std::to_string(world) + " ranks");
  }
  if (config.loss.task > 0 && config.loss.task_batch % world != 0) {
    throw ConfigError("loss.task_batch: " + std::to_string(config.loss.task_batch) + " is not divisible by the " +
                      std::to_string(world) + " ranks");
  }
  const auto device = training_device(tc);
  set_deterministic(tc.deterministic);
  const auto dir = fs::path(config.output.dir);
  // Decided before this run's config.yaml replaces the one of the run it may continue.
  const auto resume = options.resume.empty() ? checkpoint_to_resume(config) : options.resume;
  if (lead) {
    fs::create_directories(dir);
    io::remove_stale_temp_files(dir.string());
    io::write_file_atomically((dir / "config.yaml").string(), to_yaml(config));
  }
  TrainingSet data(config);
  if (lead) {
    for (const auto& p : data.problems()) spdlog::warn("{}", p);
  }
  torch::manual_seed(static_cast<uint64_t>(tc.seed));
  nn::TeSG model(model_options(config.model));
  nn::set_activation_checkpointing(*model, tc.activation_checkpointing);
  model->to(device);
  torch::optim::AdamW optimizer(model->parameters(),
                                torch::optim::AdamWOptions(tc.lr).weight_decay(tc.weight_decay));
  const auto loss_opts = loss_options(config.loss);
  std::unique_ptr<task::DetectionTask> task;  // the frozen detector of L_task
  if (config.loss.task > 0) {
    try {
      task = std::make_unique<task::DetectionTask>(task_options(config.loss, device));
    } catch (const Error& e) {  // the detector file or the classes: named in the message
      throw ConfigError(std::string("loss.task: ") + e.what());
    }
    if (lead) {
      spdlog::info("task loss: {} (frozen, {}x{} input), {} classes, {} crops of {} px every {} step(s), {} of {} pairs labelled",
                   config.loss.task_detector, task->detector().info().input_w, task->detector().info().input_h,
                   task->classes().entries.size(), config.loss.task_batch, config.loss.task_crop,
                   config.loss.task_every, data.labelled(), data.size());
    }
  }
  CheckpointInfo info;
  info.config_yaml = to_yaml(config);
  info.sig_backends = sig::sig_fingerprint(config.sig);
  info.provenance = this_build();
  info.provenance.recorded = "by tesg-train";
  info.provenance.data = data.sources();
  LossScaler scaler(tc.amp == "fp16");
  if (!resume.empty()) {
    const auto resumed = load_checkpoint(resume, *model, &optimizer);
    move_optimizer_state(optimizer, device);
    info.step = resumed.step;
    info.best_value = resumed.best_value;
    info.provenance.train_seconds = resumed.provenance.train_seconds;
    if (resumed.loss_scale > 0) scaler.restore(resumed.loss_scale, resumed.loss_scale_good_steps);
    if (lead) {
      spdlog::info("resumed from {} at step {}", resume, info.step);
      drop_rows_after((dir / "log.csv").string(), info.step);
      drop_rows_after((dir / "val.csv").string(), resumed.epoch);
    }
  }
  if (dp && dp->sum(static_cast<double>(info.step)) != static_cast<double>(info.step) * world) {
    throw Error("rank " + std::to_string(rank) + ": the ranks resumed from different steps (this one " +
                std::to_string(info.step) + " from '" + resume + "'): output.dir must be one folder all ranks see");
  }
  if (dp) dp->broadcast(model->parameters());

  const int64_t per_rank = tc.batch / world, spe = data.steps_per_epoch();
  const int64_t total = tc.epochs * spe;
  TrainSummary summary;
  int64_t bad_in_row = 0, run_steps = 0;
  const auto started = std::chrono::steady_clock::now();
  const double seconds_before = info.provenance.train_seconds;  // of the runs this one resumes
  auto last_log = started;
  int64_t images_since_log = 0;
  double last_task = 0;  // unweighted L_task of the last step that evaluated it

  // The loss scaler's state goes into every checkpoint, so that an fp16 run resumes where it was.
  auto note_progress = [&] {
    info.epoch = info.step / spe;
    info.loss_scale = scaler.enabled() ? scaler.scale() : 0.0;
    info.loss_scale_good_steps = scaler.good_steps();
    info.provenance.train_seconds = seconds_before + seconds_since(started);
  };
  auto save_state = [&] {
    if (!lead) return;
    note_progress();
    move_optimizer_state(optimizer, torch::kCPU);
    const auto written = save_checkpoint((dir / "last.pt").string(), *model, &optimizer, info);
    move_optimizer_state(optimizer, device);
    write_model_card(dir, written);
  };

  std::unique_ptr<ValidationSet> validation;
  if (lead && !config.data.val.empty() && tc.val_every > 0) validation = std::make_unique<ValidationSet>(config);
  model->train();
  while (info.step < total) {
    const int64_t epoch = info.step / spe, index = info.step % spe;
    const auto batch = data.batch(epoch, index, rank * per_rank, per_rank).to(device);
    const double lr = scheduled_lr(tc, info.step, spe);
    set_lr(optimizer, lr);
    optimizer.zero_grad();
    StepResult r;
    torch::Tensor fused;
    {
      AutocastScope autocast(tc.amp);  // the forward pass only; the loss in fp32
      fused = model(batch.vi, batch.ir, batch.mask, batch.ft);
    }
    r.terms = nn::fusion_loss(fused.to(torch::kFloat32), batch.vi, batch.ir, loss_opts);
    if (task && info.step % config.loss.task_every == 0) {
      const auto t = task_step(*task, model, data, config, info.step, rank, world, device);
      r.terms.total = r.terms.total + config.loss.task * t.total;
      last_task = t.total.item<double>();
    }
    if (options.nan_steps.count(info.step)) r.terms.total = r.terms.total * NAN;
    r.finite = std::isfinite(r.terms.total.item<double>());
    if (dp) r.finite = dp->sum(r.finite ? 0.0 : 1.0) == 0;  // every rank skips together
    if (r.finite) {
      scaler.scaled(r.terms.total).backward();
      fault_point("train.step");
      if (dp) dp->average_gradients(model->parameters());
      // fp16: an overflowing gradient skips the step and lowers the scale (all ranks alike,
      // the gradients being averaged); not counted as a non-finite loss.
      if (scaler.unscale(model->parameters())) {
        if (tc.grad_clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), tc.grad_clip);
        optimizer.step();
      } else {
        spdlog::debug("step {}: fp16 gradient overflow, loss scale now {}", info.step, scaler.scale());
      }
      bad_in_row = 0;
      summary.last_loss = r.terms.total.item<double>();
    } else {
      ++summary.skipped_steps;
      if (lead) spdlog::warn("step {}: non-finite loss, step skipped ({} in a row)", info.step, bad_in_row + 1);
      if (++bad_in_row >= tc.max_nan_steps) {
        save_state();
        throw Error("training stopped: " + std::to_string(bad_in_row) +
                    " non-finite losses in a row (train.max_nan_steps); lower train.lr?");
      }
    }
    ++info.step, ++run_steps;
    images_since_log += tc.batch;

    if (lead && (info.step % config.output.log_interval == 0 || info.step == total)) {
      const auto now = std::chrono::steady_clock::now();
      const double seconds = seconds_since(last_log, now);
      const double rate = images_since_log / std::max(seconds, 1e-9);
      last_log = now, images_since_log = 0;
      const double eta = static_cast<double>(total - info.step) * tc.batch / std::max(rate, 1e-9);
      const auto terms = loss_terms(r.terms, last_task);
      std::string named, columns;
      for (const auto& [name, value] : terms) {
        named += fmt::format("{}{} {:.4f}", named.empty() ? "" : " ", name, value);
        columns += fmt::format(",{}", value);
      }
      spdlog::info("epoch {}/{} step {}/{} loss {:.4f} ({}) lr {:.2e} {:.1f} img/s eta {}",
                   epoch + 1, tc.epochs, info.step, total, r.terms.total.item<double>(), named, lr,
                   rate, format_duration(eta));
      append_line((dir / "log.csv").string(), kLogHeader,
                  fmt::format("{},{},{},{}{},{}\n", info.step, epoch + 1, lr,
                              r.terms.total.item<double>(), columns, rate));
    }
    const bool epoch_done = info.step % spe == 0;
    const int64_t epochs_done = info.step / spe;
    bool out_of_time = epoch_done && options.stop_after_seconds > 0 &&
                       seconds_since(started) >= options.stop_after_seconds;
    if (dp && epoch_done && options.stop_after_seconds > 0) out_of_time = dp->sum(out_of_time) > 0;  // all stop together
    if (validation && !validation->empty() && epoch_done &&
        (epochs_done % tc.val_every == 0 || info.step == total || out_of_time)) {
      const auto scores = validation->evaluate(model);
      std::string line = std::to_string(epochs_done), header = "epoch";
      for (const auto& [name, value] : scores) line += "," + std::to_string(value), header += "," + name;
      append_line((dir / "val.csv").string(), header + "\n", line + "\n");
      spdlog::info("validation after epoch {}: {} = {:.4f} (EN {:.3f} SD {:.2f} SCD {:.3f} VIF {:.3f} "
                   "Qabf {:.3f}; vs max fusion {:.3f})",
                   epochs_done, tc.best_metric, scores.at(tc.best_metric), scores.at("EN"), scores.at("SD"),
                   scores.at("SCD"), scores.at("VIF"), scores.at("Qabf"), scores.at("vs_max"));
      if (scores.at(tc.best_metric) > info.best_value) {
        info.best_value = scores.at(tc.best_metric);
        note_progress();
        save_checkpoint((dir / "best.pt").string(), *model, nullptr, info);
      }
    }
    // After validation and best.pt: a run killed before this point redoes the whole epoch.
    if (epoch_done && (epochs_done % config.output.save_every == 0 || info.step == total)) {
      save_state();
    }
    if (lead && epoch_done) {
      write_curves_png((dir / "log.csv").string(), (dir / "val.csv").string(),
                       (dir / "curves.png").string());
    }
    if (dp && epoch_done) dp->barrier();  // ranks wait for rank 0's checkpoint and validation
    // Any rank's reason to stop (a stop signal, --stop-after-steps) stops every rank after this
    // step: one collective a step, so that no rank waits for one that left.
    const int signal = cluster::stop_signal();
    const bool steps_done = options.stop_after_steps > 0 && run_steps >= options.stop_after_steps;
    double votes = (signal ? kSignalVote : 0.0) + (steps_done || out_of_time ? 1.0 : 0.0);
    if (dp) votes = dp->sum(votes);
    if (votes > 0) {
      const bool signalled = votes >= kSignalVote;
      if (lead) {
        spdlog::log(signalled ? spdlog::level::warn : spdlog::level::info, "stopping at step {} ({}): saving last.pt",
                    info.step, signal ? cluster::signal_name(signal) : signalled ? "another rank got a stop signal"
                                       : out_of_time ? "--stop-after-minutes reached" : "--stop-after-steps reached");
      }
      save_state();
      if (dp) dp->barrier();  // nobody exits (and gets the others stopped) before last.pt is saved
      summary.steps = info.step;
      summary.stopped_by_signal = signalled;
      return summary;
    }
  }
  note_progress();
  if (lead) {
    write_model_card(dir, save_checkpoint((dir / "model.pt").string(), *model, nullptr, info));
  }
  summary.steps = info.step;
  return summary;
}

}  // namespace tesg::train

#include "tesg/train/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support.h"
#include "train/tiny_training.h"
#include "tesg/error.h"
#include "tesg/io/image.h"
#include "tesg/model_factory.h"
#include "tesg/train/checkpoint.h"
#include "tesg/train/lr_schedule.h"
#include "tesg/train/validation.h"
#include "tesg/version.h"

namespace tesg::train {
namespace {

namespace fs = std::filesystem;

Config tiny_config(const std::string& data, const std::string& out) {
  Config c = parse_config(
      std::string(test::kTinyModelYaml) +
      "data: {crop: 24}\n"
      "train: {epochs: 3, batch: 4, lr: 1.0e-3, val_every: 0, seed: 3}\n"
      "output: {log_interval: 1}\n",
      "tiny.yaml");
  c.data.train = {data};
  c.output.dir = out;
  return c;
}

void expect_same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b,
                 double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], tolerance, tolerance)) << "parameter " << i;
  }
}

TEST(LrScheduleTest, WarmsUpLinearlyThenDecaysToZero) {
  TrainConfig c;
  c.epochs = 10, c.lr = 1e-3, c.warmup_epochs = 1, c.warmup_factor = 1e-3, c.poly_power = 0.9;
  const int64_t spe = 20;
  EXPECT_DOUBLE_EQ(scheduled_lr(c, 0, spe), 1e-6);
  EXPECT_NEAR(scheduled_lr(c, 10, spe), 1e-3 * (1e-3 + 0.999 * 0.5), 1e-15);
  EXPECT_DOUBLE_EQ(scheduled_lr(c, 20, spe), 1e-3);
  EXPECT_NEAR(scheduled_lr(c, 110, spe), 1e-3 * std::pow(0.5, 0.9), 1e-15);
  EXPECT_DOUBLE_EQ(scheduled_lr(c, 200, spe), 0.0);
  for (int64_t s = 21; s < 200; ++s) EXPECT_LT(scheduled_lr(c, s, spe), scheduled_lr(c, s - 1, spe));
}

// vs_max compares the five metrics with max-luma fusion's: a residual model on the max base at
// its start IS max fusion (exactly 1); an untrained sigmoid model is far below it.
TEST(ValidationTest, VsMaxIsTheWorstRatioToMaxFusion) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 3);
  auto config = tiny_config(dir / "data", dir / "run");
  config.data.val = dir / "data";
  config.model.base = "max";
  const ValidationSet validation(config);
  nn::TeSG at_max(model_options(config.model));
  const auto scores = validation.evaluate(at_max);
  for (const auto& name : {"EN", "SD", "SCD", "VIF", "Qabf"}) {
    EXPECT_NEAR(scores.at(name), validation.max_fusion_scores().at(name), 1e-9) << name;
  }
  EXPECT_NEAR(scores.at("vs_max"), 1.0, 1e-9);
  config.model.base = "none";
  nn::TeSG untrained(model_options(config.model));
  EXPECT_LT(validation.evaluate(untrained).at("vs_max"), 0.9);
}

TEST(TrainerTest, InterruptedAndResumedRunEqualsUninterruptedRun) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);  // 2 steps per epoch, 6 in all
  const auto straight = tiny_config(dir / "data", dir / "straight");
  EXPECT_EQ(train(straight, {}).steps, 6);

  const auto split = tiny_config(dir / "data", dir / "split");
  TrainOptions first;
  first.stop_after_steps = 3;  // mid-epoch
  EXPECT_EQ(train(split, first).steps, 3);
  TrainOptions second;
  second.resume = dir / "split/last.pt";
  EXPECT_EQ(train(split, second).steps, 6);
  expect_same(test::tiny_weights(dir / "straight/model.pt"),
              test::tiny_weights(dir / "split/model.pt"), 0.0);
  EXPECT_TRUE(fs::exists(dir / "split/config.yaml"));
  EXPECT_TRUE(fs::exists(dir / "split/log.csv"));
  EXPECT_GT(io::read_image(dir / "split/curves.png").size(2), 800);  // two panels
}

TEST(TrainerTest, StopAfterTimeEndsAtAnEpochWithValidationAndResumes) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);  // 2 steps per epoch, 6 in all
  auto config = tiny_config(dir / "data", dir / "run");
  config.data.val = dir / "data";
  config.train.val_every = 10;  // no scheduled validation in 3 epochs
  TrainOptions timed;
  timed.stop_after_seconds = 1e-9;  // out of time at the first epoch end
  EXPECT_EQ(train(config, timed).steps, 2);
  EXPECT_EQ(read_checkpoint_info(dir / "run/last.pt").step, 2);
  EXPECT_TRUE(fs::exists(dir / "run/best.pt"));  // the stopping epoch was validated
  std::ifstream val(dir / "run/val.csv");
  std::string header, row;
  std::getline(val, header), std::getline(val, row);
  EXPECT_EQ(row.substr(0, 2), "1,");
  TrainOptions resume;
  resume.resume = dir / "run/last.pt";
  EXPECT_EQ(train(config, resume).steps, 6);
}

TEST(TrainerTest, CheckpointsAndModelCardRecordTheDataTheCodeAndTheTime) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);  // 2 steps per epoch
  std::ofstream(dir / "data/vi/p7.png") << "not a png";  // left out: 7 pairs, 1 step per epoch
  auto config = tiny_config(dir / "data", dir / "run");
  TrainOptions first;
  first.stop_after_steps = 1;
  train(config, first);
  const auto info = read_checkpoint_info(dir / "run/last.pt");
  const auto& p = info.provenance;
  EXPECT_EQ(p.recorded, "by tesg-train");
  ASSERT_EQ(p.data.size(), 1u);
  EXPECT_EQ(p.data[0].folder, dir / "data");
  EXPECT_EQ(p.data[0].pairs, 7);
  std::string list;
  for (int i = 0; i < 7; ++i) list += "ir/p" + std::to_string(i) + ".png\tvi/p" + std::to_string(i) + ".png\n";
  const auto hash = list_hash(list);
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(p.data[0].list_hash, hash);
  EXPECT_EQ(p.git_commit, this_build().git_commit);
  EXPECT_EQ(p.tesg_version, version());
  EXPECT_GT(p.train_seconds, 0);
  std::ifstream card(dir / "run/model_card.md");
  const std::string text((std::istreambuf_iterator<char>(card)), {});
  EXPECT_NE(text.find(describe(info)), std::string::npos) << text;

  TrainOptions resume;  // the time of both runs is summed; model.pt carries it too
  resume.resume = dir / "run/last.pt";
  train(config, resume);
  const auto done = read_checkpoint_info(dir / "run/model.pt");
  EXPECT_EQ(done.step, 3);
  EXPECT_GT(done.provenance.train_seconds, p.train_seconds);
  EXPECT_EQ(done.provenance.data[0].list_hash, hash);
}

TEST(TrainerTest, NonFiniteLossIsSkippedAndCounted) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  TrainOptions options;
  options.nan_steps = {2};
  const auto summary = train(tiny_config(dir / "data", dir / "run"), options);
  EXPECT_EQ(summary.steps, 6);
  EXPECT_EQ(summary.skipped_steps, 1);
  for (const auto& p : test::tiny_weights(dir / "run/model.pt")) {
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
  }
}

TEST(TrainerTest, TooManyNonFiniteLossesInARowStopTheRun) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  auto config = tiny_config(dir / "data", dir / "run");
  config.train.max_nan_steps = 2;
  TrainOptions options;
  options.nan_steps = {1, 2};
  EXPECT_THROW_WITH(train(config, options), Error, "2 non-finite losses in a row");
  EXPECT_TRUE(fs::exists(dir / "run/last.pt"));  // nothing already learned is lost
}

TEST(TrainerTest, RefusesDevicesItCannotTrainOn) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 4);
  auto config = tiny_config(dir / "data", dir / "run");
  config.train.device = "cuda";
  if (!torch::cuda::is_available()) {
    EXPECT_THROW_WITH(train(config, {}), ConfigError, "train.device: 'cuda', but this build or machine has no CUDA");
  }
  config.train.device = "cpu";
  config.train.amp = "bf16";
  EXPECT_THROW_WITH(train(config, {}), ConfigError, "train.amp: 'bf16' needs train.device cuda");
}

test::CommandResult run_train(const std::string& args) {
  return test::run_command(TESG_TRAIN_BIN, args);
}

// Trains the tiny recipe (batch 8, one step per epoch, 3 steps) once in one process and once as
// two local ranks of four (`train_keys` added to its train section), expects the same final
// weights within `tolerance`, and returns the two-rank run's output.
std::string expect_two_ranks_equal_one(const std::string& train_keys, double tolerance) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  std::ofstream(dir / "c.yaml") << test::kTinyModelYaml
                                << "data: {crop: 24, train: [" << dir / "data" << "]}\n"
                                   "train: {epochs: 3, batch: 8, lr: 1.0e-3, val_every: 0, "
                                << train_keys << "}\n";
  auto [code, out] = run_train("--config " + dir / "c.yaml" + " --set output.dir=" + dir / "one");
  EXPECT_EQ(code, 0) << out;
  std::tie(code, out) = run_train("--config " + dir / "c.yaml" + " --set output.dir=" +
                                  dir / "two" + " --nproc 2");
  EXPECT_EQ(code, 0) << out;
  if (code != 0) return out;
  const auto config = tiny_config(dir / "data", dir / "one");
  expect_same(test::tiny_weights(dir / "one/model.pt"),
              test::tiny_weights(dir / "two/model.pt"), tolerance);
  return out;
}

TEST(TrainerTest, TwoGlooRanksOfFourEqualOneRankOfEight) {
  // Float sums in another order (two half-batch means averaged): 1e-5 as the issue asks.
  expect_two_ranks_equal_one("threads: 1", 1e-5);
}

// A rank that dies (here SIGKILLed in its second step) must make the others fail with a clear error,
// not wait forever in the next all-reduce.
TEST(TrainerTest, ARankThatStopsMakesTheOthersExitWithAClearError) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  std::ofstream(dir / "c.yaml") << test::kTinyModelYaml
                                << "data: {crop: 24, train: [" << dir / "data" << "]}\n"
                                   "train: {epochs: 3, batch: 8, val_every: 0, threads: 1,"
                                   " dist_timeout_s: 120}\n"
                                   "output: {dir: " << dir / "run" << "}\n";
  const std::string env = "env MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                          std::to_string(20000 + ::getpid() % 20000) + " WORLD_SIZE=2 ";
  const std::string train = std::string(TESG_TRAIN_BIN) + " --config " + dir / "c.yaml";
  const auto start = std::chrono::steady_clock::now();
  const auto [code, out] = test::run_command(
      env + "RANK=1 TESG_FAULT=train.step:2 " + train + " >/dev/null 2>&1 & " + env + "RANK=0 " + train, "");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("[error] rank 0: "), std::string::npos) << out;
  EXPECT_NE(out.find("failed: another rank stopped or the connection broke"), std::string::npos) << out;
  EXPECT_LT(seconds, 60) << "waited for the timeout instead of noticing the closed connection";
}

TEST(TrainerTest, CliRefusesBadConfigAndCorruptCheckpoint) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 4);
  std::ofstream(dir / "bad.yaml") << "train:\n  epohcs: 3\n";
  auto [code, out] = run_train("--config " + dir / "bad.yaml");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("bad.yaml:2: train.epohcs: unknown key (did you mean train.epochs?)"),
            std::string::npos) << out;
  std::ofstream(dir / "ok.yaml") << "data: {train: [" << dir / "data" << "]}\n"
                                    "train: {batch: 4}\noutput: {dir: " << dir / "run" << "}\n";
  std::ofstream(dir / "junk.pt") << "junk";
  std::tie(code, out) =
      run_train("--config " + dir / "ok.yaml" + " --resume " + dir / "junk.pt");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("junk.pt: not a readable checkpoint"), std::string::npos) << out;
  std::tie(code, out) = run_train("--config " + dir / "ok.yaml" + " --set output.dir=" + dir / "task" +
                                  " --set loss.task=1 --set loss.task_detector=" + dir / "junk.pt");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("loss.task: " + dir / "junk.pt" + ": not a TorchScript model"), std::string::npos) << out;
}

// The loss of the first logged step (log.csv: step,epoch,lr,loss,...).
double first_logged_loss(const std::string& log_csv) {
  std::ifstream in(log_csv);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  for (int comma = 0; comma < 3; ++comma) row = row.substr(row.find(',') + 1);
  return std::stod(row);
}

// log.csv's `task` column (unweighted L_task) of the first logged step.
double first_logged_task_loss(const std::string& log_csv) {
  std::ifstream in(log_csv);
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header.substr(header.rfind(",task,")), ",task,images_per_s");
  const auto end = row.rfind(','), start = row.rfind(',', end - 1);
  return std::stod(row.substr(start + 1, end - start - 1));
}

// Task-driven training: the tiny pairs' bright squares labelled as people (MSRS-style
// det/fusion label files), the COCO YOLOv5n frozen in the loop. The task loss changes what one
// step learns, and a labelled pair is counted as one.
TEST(TrainerTest, TaskLossFromAFrozenDetectorTrainsTheFusion) {
  TESG_REQUIRE_SHARED_DATA();
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 4);
  fs::create_directories(dir / "data/det/fusion");
  for (int i = 0; i < 4; ++i) {  // the square: rows 5 + i .. 15 + i, columns 8 .. 18 of 40 x 40
    std::ofstream(dir / ("data/det/fusion/p" + std::to_string(i) + ".txt"))
        << "0 0.325 " << (10.0 + i) / 40 << " 0.25 0.25\n";
  }
  auto plain = tiny_config(dir / "data", dir / "plain");
  plain.train.epochs = 1;
  auto with_task = plain;
  with_task.output.dir = dir / "task";
  with_task.loss.task = 1.0;
  with_task.loss.task_detector = test::shared_dir() + "/models/yolov5n_coco.torchscript";
  with_task.loss.task_classes = "person=0";
  with_task.loss.task_labels = "det/fusion";
  with_task.loss.task_crop = 40;
  with_task.loss.task_batch = 2;
  EXPECT_EQ(train(plain, {}).steps, 1);
  EXPECT_EQ(train(with_task, {}).steps, 1);
  EXPECT_GT(first_logged_task_loss(dir / "task/log.csv"), 0.1);  // label_score 0.5, nothing found
  EXPECT_EQ(first_logged_task_loss(dir / "plain/log.csv"), 0.0);
  const auto a = test::tiny_weights(dir / "plain/model.pt"), b = test::tiny_weights(dir / "task/model.pt");
  double moved = 0;
  for (size_t i = 0; i < a.size(); ++i) moved += (a[i] - b[i]).abs().sum().item<double>();
  EXPECT_GT(moved, 0.0);
}

// Training on a GPU. fp32: the same data and initial weights as on the CPU, so the first loss
// agrees to float rounding, and six AdamW steps of lr 1e-3 can move the weights apart by at most
// a few learning rates (Adam's sign-like steps amplify rounding where gradients are near zero).
TEST(TrainerCudaTest, Fp32TrainingOnCudaFollowsTheCpuRun) {
  TESG_REQUIRE_CUDA_DEVICE(1);
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  auto cpu = tiny_config(dir / "data", dir / "cpu");
  cpu.train.deterministic = true;  // on the GPU: no TF32
  auto gpu = cpu;
  gpu.output.dir = dir / "gpu";
  gpu.train.device = "cuda";
  EXPECT_EQ(train(cpu, {}).steps, 6);
  EXPECT_EQ(train(gpu, {}).steps, 6);
  EXPECT_NEAR(first_logged_loss(dir / "gpu/log.csv"), first_logged_loss(dir / "cpu/log.csv"),
              1e-4 * first_logged_loss(dir / "cpu/log.csv"));
  expect_same(test::tiny_weights(dir / "cpu/model.pt"), test::tiny_weights(dir / "gpu/model.pt"),
              6 * cpu.train.lr);
}

// 40 steps on the tiny dataset: the loss falls by more than 10 % and the weights stay finite.
void expect_training_learns(const std::string& data, const std::string& out, const std::string& device,
                            const std::string& amp) {
  auto config = tiny_config(data, out);
  config.train.device = device;
  config.train.amp = amp;
  config.train.epochs = 20;
  const auto summary = train(config, {});
  EXPECT_EQ(summary.steps, 40) << amp;
  EXPECT_EQ(summary.skipped_steps, 0) << amp;
  EXPECT_LT(summary.last_loss, 0.9 * first_logged_loss(out + "/log.csv")) << amp;
  for (const auto& p : test::tiny_weights(out + "/model.pt")) {
    EXPECT_TRUE(torch::isfinite(p).all().item<bool>()) << amp;
  }
}

TEST(TrainerTest, TrainingLearns) {
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  expect_training_learns(dir / "data", dir / "run", "cpu", "none");
}

// bf16 and fp16 autocast learn as fp32 does.
TEST(TrainerCudaTest, MixedPrecisionTrainingLearns) {
  TESG_REQUIRE_CUDA_DEVICE(1);
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  for (const std::string amp : {"none", "bf16", "fp16"}) expect_training_learns(dir / "data", dir / amp, "cuda", amp);
}

// fp16 dynamic loss scaling: a run stopped and resumed continues with the scale and good-step
// count it had, so it ends where an uninterrupted run ends.
TEST(TrainerCudaTest, Fp16RunResumesWithItsLossScale) {
  TESG_REQUIRE_CUDA_DEVICE(1);
  test::TempDir dir;
  test::write_tiny_pairs(dir / "data", 8);
  auto straight = tiny_config(dir / "data", dir / "straight");
  straight.train.device = "cuda", straight.train.amp = "fp16", straight.train.deterministic = true;
  auto split = straight;
  split.output.dir = dir / "split";
  train(straight, {});
  TrainOptions first;
  first.stop_after_steps = 3;
  train(split, first);
  const auto paused = read_checkpoint_info(dir / "split/last.pt");
  EXPECT_GT(paused.loss_scale, 0);
  TrainOptions second;
  second.resume = dir / "split/last.pt";
  train(split, second);
  const auto a = read_checkpoint_info(dir / "straight/model.pt");
  const auto b = read_checkpoint_info(dir / "split/model.pt");
  EXPECT_GT(a.loss_scale, 0);
  EXPECT_EQ(b.loss_scale, a.loss_scale);
  EXPECT_EQ(b.loss_scale_good_steps, a.loss_scale_good_steps);
  expect_same(test::tiny_weights(dir / "straight/model.pt"),
              test::tiny_weights(dir / "split/model.pt"), 1e-4);
}

// NCCL data parallelism over the GPUs of the machine: two ranks of four equal one rank of eight.
TEST(TrainerCudaTest, TwoNcclRanksOfFourEqualOneRankOfEight) {
  TESG_REQUIRE_CUDA_DEVICE(2);
  const auto out = expect_two_ranks_equal_one("device: cuda, deterministic: true", 1e-4);
  EXPECT_NE(out.find("NCCL"), std::string::npos) << out;
}

}  // namespace
}  // namespace tesg::train

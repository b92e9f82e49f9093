// tesg-video and tesg::StreamFuser as a user runs them: clips in and playable videos out, the
// still-pair pixels with semantics on every frame, mismatched and bad inputs, SIGTERM mid-clip,
// and tesg-eval --videos.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support.h"
#include "tesg/fuser.h"
#include "tesg/stream_fuser.h"

namespace tesg {
namespace {
namespace fs = std::filesystem;

const std::string kModel = std::string(TESG_SOURCE_DIR) + "/models/tesg_cpu_edge_guided.pt";

test::CommandResult run_video(const std::string& args) { return test::run_command(TESG_VIDEO_BIN, args + " --log-level warn"); }

// A synthetic clip pair panning over a still textured scene: `dir`/ir/NNNNNN.png and vi/.
void write_clip(const std::string& dir, int frames, int width = 96, int height = 64) {
  const int scene_width = width + 2 * frames, scene_height = height + frames / 2 + 1;
  cv::Mat ir_scene(scene_height, scene_width, CV_8U), vi_scene(scene_height, scene_width, CV_8UC3);
  cv::RNG rng(11);
  rng.fill(ir_scene, cv::RNG::UNIFORM, 0, 256);
  rng.fill(vi_scene, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(ir_scene, ir_scene, cv::Size(0, 0), 2.0);
  cv::GaussianBlur(vi_scene, vi_scene, cv::Size(0, 0), 2.0);
  cv::circle(ir_scene, cv::Point(width / 2 + frames, height / 2), height / 5, cv::Scalar(250), cv::FILLED);  // a warm target
  fs::create_directories(dir + "/ir");
  fs::create_directories(dir + "/vi");
  for (int t = 0; t < frames; ++t) {
    const cv::Rect view(2 * t, t / 2, width, height);
    char name[16];
    std::snprintf(name, sizeof name, "%06d.png", t);
    cv::imwrite(dir + "/ir/" + name, ir_scene(view));
    cv::imwrite(dir + "/vi/" + name, vi_scene(view));
  }
}

struct VideoFacts {
  int64_t frames = 0;
  double fps = 0;
  cv::Size size;
};

// What a player sees: the frames it decodes, the rate and size the container declares.
VideoFacts play(const std::string& path) {
  cv::VideoCapture capture(path);
  VideoFacts facts;
  if (!capture.isOpened()) return facts;
  facts.fps = capture.get(cv::CAP_PROP_FPS);
  cv::Mat frame;
  while (capture.read(frame)) {
    ++facts.frames;
    facts.size = frame.size();
  }
  return facts;
}

bool same_pixels(const std::string& a, const std::string& b) {
  const cv::Mat x = cv::imread(a, cv::IMREAD_UNCHANGED), y = cv::imread(b, cv::IMREAD_UNCHANGED);
  return !x.empty() && x.size() == y.size() && x.type() == y.type() && cv::countNonZero(x.reshape(1) != y.reshape(1)) == 0;
}

TEST(TesgVideoTest, FramesWithSemanticsOnEveryFrameEqualTheStillPairFusion) {
  test::TempDir dir;
  write_clip(dir / "clip", 4);
  const auto [code, output] = run_video("--checkpoint " + kModel + " --ir-video " + dir / "clip/ir" + " --vi-video " +
                                        dir / "clip/vi" + " --sig-every 1 --frames-out " + dir / "frames" +
                                        " --out " + dir / "fused.mp4");
  ASSERT_EQ(code, 0) << output;
  const auto [fuse_code, fuse_output] = test::run_command(
      TESG_FUSE_BIN, "--checkpoint " + kModel + " --data " + dir / "clip" + " --out " + dir / "still --log-level warn");
  ASSERT_EQ(fuse_code, 0) << fuse_output;
  for (const auto* frame : {"000000.png", "000001.png", "000002.png", "000003.png"}) {
    EXPECT_TRUE(same_pixels(dir / "frames/" + frame, dir / "still/" + frame)) << frame;
  }
  const auto facts = play(dir / "fused.mp4");
  EXPECT_EQ(facts.frames, 4);
  EXPECT_EQ(facts.size, cv::Size(96, 64));
  EXPECT_NEAR(facts.fps, 30.0, 1e-6) << "frame folders play at fuse.frame_rate";
}

TEST(TesgVideoTest, AVideoFileClipFusesToAPlayableVideoOfTheSameLengthRateAndSize) {
  TESG_REQUIRE_SHARED_DATA();
  test::TempDir dir;
  const std::string clip = "1230_1202.mp4";  // 22 fps, 640x480
  const auto [code, output] = run_video("--baseline max --ir-video " + test::shared_data("M3SVD/test/infrared/" + clip) +
                                        " --vi-video " + test::shared_data("M3SVD/test/visible/" + clip) +
                                        " --first 10 --count 25 --out " + dir / "fused.mp4");
  ASSERT_EQ(code, 0) << output;
  const auto facts = play(dir / "fused.mp4");
  EXPECT_EQ(facts.frames, 25);
  EXPECT_EQ(facts.size, cv::Size(640, 480));
  EXPECT_NEAR(facts.fps, 22.0, 1e-3);
  EXPECT_TRUE(fs::is_empty(dir.path()) == false);
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().filename(), "fused.mp4") << "no temporary file left";
}

TEST(TesgVideoTest, MismatchedClipsAreNamedAndThePolicySaid) {
  test::TempDir dir;
  write_clip(dir / "a", 5);
  write_clip(dir / "b", 3, 80, 64);
  fs::remove(dir / "a/vi/000004.png");  // 5 infrared frames, 4 visible
  auto [code, output] = run_video("--baseline avg --ir-video " + dir / "a/ir --vi-video " + dir / "a/vi --out " + dir / "a.mp4");
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("frame counts differ (infrared 5, visible 4): pairing by index, fusing the first 4"), std::string::npos)
      << output;
  EXPECT_EQ(play(dir / "a.mp4").frames, 4);
  std::tie(code, output) = run_video("--baseline avg --ir-video " + dir / "a/ir --vi-video " + dir / "b/vi --out " + dir / "b.mp4");
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("frames of 80x64, the infrared " + dir / "a/ir has 96x64"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "b.mp4"));
}

TEST(TesgVideoTest, BadInputsGetOneLineAndWhatWasWrittenStaysPlayable) {
  test::TempDir dir;
  write_clip(dir / "clip", 8);
  const std::string clip = " --ir-video " + dir / "clip/ir --vi-video " + dir / "clip/vi";
  {  // not a video
    std::ofstream(dir / "junk.mp4") << "not a video at all";
    const auto [code, output] = run_video("--baseline max --ir-video " + dir / "junk.mp4 --vi-video " + dir / "clip/vi --out " + dir / "o.mp4");
    EXPECT_EQ(code, 2);
    EXPECT_NE(output.find(dir / "junk.mp4: cannot open as a video"), std::string::npos) << output;
  }
  {  // a codec FFmpeg cannot write, an existing output, no camera
    auto [code, output] = run_video("--baseline max" + clip + " --codec ZZZZ --out " + dir / "o.mp4");
    EXPECT_EQ(code, 2);
    EXPECT_NE(output.find("cannot write codec 'ZZZZ'"), std::string::npos) << output;
    std::ofstream(dir / "exists.mp4") << "x";
    std::tie(code, output) = run_video("--baseline max" + clip + " --out " + dir / "exists.mp4");
    EXPECT_EQ(code, 2);
    EXPECT_NE(output.find("exists (--overwrite replaces it)"), std::string::npos) << output;
    std::tie(code, output) = run_video("--baseline max --ir-video /dev/video97 --vi-video /dev/video98 --out " + dir / "cam.mp4");
    EXPECT_EQ(code, 2);
    EXPECT_NE(output.find("/dev/video97: cannot open the camera"), std::string::npos) << output;
  }
  {  // a frame that cannot be decoded mid-clip: one line naming it, the frames before it kept
    std::ofstream(dir / "clip/vi/000005.png", std::ios::trunc) << "truncated";
    const auto [code, output] = run_video("--baseline max" + clip + " --out " + dir / "partial.mp4");
    EXPECT_EQ(code, 1);
    EXPECT_NE(output.find(dir / "clip/vi/000005.png: cannot decode the frame image"), std::string::npos) << output;
    EXPECT_EQ(play(dir / "partial.mp4").frames, 5);
  }
  {  // a truncated video file: fused up to where it breaks, or refused when its index is gone
    cv::VideoWriter writer(dir / "whole.avi", cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(96, 64));
    for (int t = 0; t < 5; ++t) writer.write(cv::imread(dir / "clip/ir/000000.png"));
    writer.release();
    const auto size = fs::file_size(dir / "whole.avi");
    fs::copy_file(dir / "whole.avi", dir / "cut.avi");
    fs::resize_file(dir / "cut.avi", size / 2);
    const auto [code, output] = run_video("--baseline max --ir-video " + dir / "cut.avi --vi-video " + dir / "whole.avi --out " + dir / "cut.mp4");
    EXPECT_NE(code, 0) << output;
    EXPECT_NE(output.find(dir / "cut.avi"), std::string::npos) << output;
  }
}

TEST(TesgVideoTest, SigtermMidClipLeavesAPlayableVideoOfTheFramesFused) {
  test::TempDir dir;
  write_clip(dir / "clip", 60, 160, 120);
  const std::string command = std::string(TESG_VIDEO_BIN) + " --checkpoint " + kModel + " --ir-video " + dir / "clip/ir" +
                              " --vi-video " + dir / "clip/vi --out " + dir / "fused.mp4 --threads 1 > " + dir / "log.txt 2>&1";
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait for the first fused frames, then ask it to stop as a scheduler would.
  for (int k = 0; k < 600 && test::file_content(dir / "log.txt").find("frames ") == std::string::npos; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(child, SIGTERM);
  int status = 0;
  ::waitpid(child, &status, 0);
  const auto log = test::file_content(dir / "log.txt");
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 75) << log;
  EXPECT_NE(log.find("stopped by SIGTERM"), std::string::npos) << log;
  const auto facts = play(dir / "fused.mp4");
  EXPECT_GT(facts.frames, 0) << log;
  EXPECT_LT(facts.frames, 60) << log;
  EXPECT_NE(log.find(std::to_string(facts.frames) + " frames fused"), std::string::npos) << log;
}

TEST(TesgVideoTest, EvalScoresSampledFramesAndTheTemporalMeasure) {
  test::TempDir dir;
  write_clip(dir / "clips/c1", 6);
  fs::create_directories(dir / "data/ir");
  fs::create_directories(dir / "data/vi");
  fs::rename(dir / "clips/c1/ir", dir / "data/ir/c1");
  fs::rename(dir / "clips/c1/vi", dir / "data/vi/c1");
  for (const auto* method : {"max", "avg"}) {
    const auto [code, output] = run_video(std::string("--baseline ") + method + " --ir-video " + dir / "data/ir/c1" +
                                          " --vi-video " + dir / "data/vi/c1 --out " + dir / method + "/c1.mp4");
    ASSERT_EQ(code, 0) << output;
  }
  const auto [code, output] = test::run_command(
      TESG_EVAL_BIN, "--videos --data " + dir / "data" + " --fused max=" + dir / "max" + " --fused avg=" + dir / "avg" +
                         " --every 2 --metrics EN,SD --out " + dir / "eval --log-level warn");
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("| max | 3/3 |"), std::string::npos) << output;  // frames 0, 2, 4
  EXPECT_NE(output.find("flicker all"), std::string::npos) << output;
  EXPECT_NE(output.find("Clip c1:"), std::string::npos) << output;
  EXPECT_NE(test::file_content(dir / "eval/summary_temporal.csv").find("max,c1,5,"), std::string::npos);
  const auto [range, range_output] = test::run_command(
      TESG_EVAL_BIN, "--videos --data " + dir / "data" + " --fused max=" + dir / "max" +
                         " --every 2 --max-frames 3 --metrics EN --log-level warn");
  EXPECT_EQ(range, 0) << range_output;
  EXPECT_NE(range_output.find("| max | 2/2 |"), std::string::npos) << range_output;  // frames 0, 2 of 0..2
  const auto [missing, missing_output] = test::run_command(
      TESG_EVAL_BIN, "--videos --data " + dir / "data" + " --fused none=" + dir / "data" + " --log-level warn");
  EXPECT_EQ(missing, 1) << missing_output;
  EXPECT_NE(missing_output.find("no fused video for clip 'c1'"), std::string::npos) << missing_output;
}

TEST(StreamFuserTest, EveryFrameKeyEqualsFuserAndKeyFramesAreCounted) {
  test::TempDir dir;
  write_clip(dir / "clip", 5);
  const auto frame = [&](const std::string& side, int t) {
    char name[16];
    std::snprintf(name, sizeof name, "/%06d.png", t);
    return cv::imread(dir / "clip/" + side + name, cv::IMREAD_UNCHANGED);
  };
  const Fuser still(kModel);
  FuserOptions every_frame;
  every_frame.overrides = {"fuse.sig_every=1"};
  StreamFuser stream(kModel, every_frame);
  FuserOptions sparse;
  sparse.overrides = {"fuse.sig_every=3", "fuse.scene_change=0"};
  StreamFuser sparse_stream(kModel, sparse);
  for (int t = 0; t < 5; ++t) {
    const cv::Mat expected = still.fuse(frame("ir", t), frame("vi", t));
    const cv::Mat fused = stream.push(frame("ir", t), frame("vi", t));
    EXPECT_EQ(cv::countNonZero(fused.reshape(1) != expected.reshape(1)), 0) << "frame " << t;
    EXPECT_EQ(sparse_stream.push(frame("ir", t), frame("vi", t)).size(), expected.size());
    EXPECT_EQ(sparse_stream.last_was_key_frame(), t % 3 == 0);
  }
  EXPECT_EQ(stream.key_frames(), 5);
  EXPECT_EQ(sparse_stream.frames(), 5);
  EXPECT_EQ(sparse_stream.key_frames(), 2);
  EXPECT_THROW(stream.push(cv::Mat(10, 12, CV_8UC1), cv::Mat(10, 14, CV_8UC3)), DataError);
}

}  // namespace
}  // namespace tesg

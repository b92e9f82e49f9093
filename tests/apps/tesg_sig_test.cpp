// tesg-sig as a user runs it on a small dataset with one hot target per pair.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "support.h"
#include "tesg/io/image.h"

namespace tesg {
namespace {

namespace fs = std::filesystem;

test::CommandResult run_sig(const std::string& args) {
  return test::run_command(TESG_SIG_BIN, args);
}

class SigCliTest : public testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir / "data/ir");
    fs::create_directories(dir / "data/vi");
    for (const auto* stem : {"a", "b"}) {
      auto ir = torch::full({1, 48, 64}, 0.1);
      ir.narrow(1, 10, 12).narrow(2, 20, 10).fill_(0.95);  // the hot target
      io::write_png(dir / (std::string("data/ir/") + stem + ".png"), ir);
      io::write_png(dir / (std::string("data/vi/") + stem + ".png"), torch::rand({3, 48, 64}));
    }
  }
  test::TempDir dir;
};

TEST_F(SigCliTest, SaliencyWritesMasksAndKeepsThemOnRerun) {
  auto [code, out] = run_sig("--data " + dir / "data" + " --out " + dir / "cache");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("2 pairs: 2 written, 0 kept, 0 failed"), std::string::npos) << out;
  const auto mask = io::read_image(dir / "cache/masks/a.png");
  const float inside = mask.narrow(1, 10, 12).narrow(2, 20, 10).sum().item<float>();
  EXPECT_GE(inside, 110.f);  // the 12 x 10 target, corners may be rounded by the smoothing
  EXPECT_EQ(mask.sum().item<float>(), inside) << "mask outside the target";
  std::tie(code, out) = run_sig("--data " + dir / "data" + " --out " + dir / "cache");
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("0 written, 2 kept"), std::string::npos) << out;
}

TEST_F(SigCliTest, StaleCacheAndUnavailableBackendsAreRefused) {
  run_sig("--data " + dir / "data" + " --out " + dir / "cache");
  auto [code, out] = run_sig("--data " + dir / "data" + " --out " + dir / "cache" +
                             " --set sig.masker=none");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("SIG cache made with 'masker=saliency("), std::string::npos) << out;
  std::tie(code, out) = run_sig("--data " + dir / "data" + " --out " + dir / "c2" +
                                " --set sig.masker=diffedit");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("sig.sd_dir: '' is not a folder (needed by masker diffedit)"), std::string::npos) << out;
  std::tie(code, out) = run_sig("--data " + dir / "data" + " --out " + dir / "c3" +
                                " --set sig.text_encoder=clip --set sig.sd_dir=" + dir / "data");
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("sig.captioner: none, but masker diffedit and text_encoder clip need captions"),
            std::string::npos) << out;
}

TEST_F(SigCliTest, FileCaptionerRecordsKeywordsAndReportsMissingCaptions) {
  std::ofstream(dir / "captions.tsv") << "a\ta man walking at night\n";
  const auto [code, out] = run_sig("--data " + dir / "data" + " --out " + dir / "cache" +
                                   " --set sig.captioner=file --set sig.captions_file=" +
                                   dir / "captions.tsv");
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("no caption for pair 'b'"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "cache/masks/a.png"));  // the good pair is done
  std::ifstream in(dir / "cache/captions.jsonl");
  std::string line;
  std::getline(in, line);
  EXPECT_NE(line.find("\"keyword\": \"man\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"caption_without_keyword\": \"a walking at night\""), std::string::npos);
}

}  // namespace
}  // namespace tesg

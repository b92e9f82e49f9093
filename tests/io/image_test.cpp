#include "tesg/io/image.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "../../src/train/zip_directory.h"
#include "support.h"
#include "tesg/error.h"
#include "tesg/io/image_decode.h"

namespace tesg::io {
namespace {

using test::TempDir;

torch::Tensor quantised(const torch::Tensor& t) { return t.mul(255).round().div(255); }

TEST(ImageTest, RgbPngRoundTripsExactly) {
  TempDir dir;
  const auto image = quantised(torch::rand({3, 7, 11}));
  write_png(dir / "rgb.png", image);
  EXPECT_TRUE(torch::allclose(read_image(dir / "rgb.png"), image, 0, 1e-6));
  // Channel order survives: red stays red.
  auto red = torch::zeros({3, 2, 2});
  red[0].fill_(1);
  write_png(dir / "red.png", red);
  EXPECT_TRUE(torch::equal(read_visible(dir / "red.png"), red));
}

TEST(ImageTest, BgrMatBecomesRgbInUnitRangeAndOnlyEightBitBgrIsTaken) {
  cv::Mat bgr(1, 2, CV_8UC3);
  bgr.at<cv::Vec3b>(0, 0) = {255, 0, 51};   // B, G, R
  bgr.at<cv::Vec3b>(0, 1) = {0, 102, 255};
  const auto rgb = rgb_from_bgr_u8(bgr);
  ASSERT_EQ(rgb.sizes(), (std::vector<int64_t>{3, 1, 2}));
  EXPECT_TRUE(torch::equal(rgb, torch::tensor({51.f, 255.f, 0.f, 102.f, 255.f, 0.f}).view({3, 1, 2}).div(255)));
  EXPECT_EQ(cv::norm(to_bgr_mat(rgb), bgr, cv::NORM_INF), 0);  // to_bgr_mat undoes it
  EXPECT_THROW(rgb_from_bgr_u8(cv::Mat(1, 2, CV_8UC1)), Error);
  EXPECT_THROW(rgb_from_bgr_u8(cv::Mat(1, 2, CV_16UC3)), Error);
}

TEST(ImageTest, GrayPngRoundTripsAndBatchedInputIsAccepted) {
  TempDir dir;
  const auto image = quantised(torch::rand({1, 1, 5, 4}));
  write_png(dir / "gray.png", image);
  EXPECT_TRUE(torch::allclose(read_image(dir / "gray.png"), image[0], 0, 1e-6));
}

TEST(ImageTest, WritePngClampsAndRounds) {
  TempDir dir;
  const auto image = torch::tensor({-0.5f, 0.5f, 1.7f, 0.2f}).view({1, 2, 2});
  write_png(dir / "c.png", image);
  const auto back = read_image(dir / "c.png").flatten();
  EXPECT_FLOAT_EQ(back[0].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(back[1].item<float>(), 128.f / 255.f);  // 127.5 rounds half away from zero
  EXPECT_FLOAT_EQ(back[2].item<float>(), 1.f);
  EXPECT_FLOAT_EQ(back[3].item<float>(), 51.f / 255.f);
}

TEST(ImageTest, SixteenBitFilesScaleToUnitRange) {
  TempDir dir;
  cv::Mat m(2, 3, CV_16UC1);
  m.at<uint16_t>(0, 0) = 65535;
  m.at<uint16_t>(0, 1) = 0;
  m.at<uint16_t>(0, 2) = 32768;
  m.row(1).setTo(1000);
  ASSERT_TRUE(cv::imwrite(dir / "ir16.png", m));
  const auto t = read_infrared(dir / "ir16.png");
  ASSERT_EQ(t.sizes(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FLOAT_EQ(t[0][0][0].item<float>(), 1.f);
  EXPECT_FLOAT_EQ(t[0][0][2].item<float>(), 32768.f / 65535.f);
  EXPECT_FLOAT_EQ(t[0][1][1].item<float>(), 1000.f / 65535.f);
}

TEST(ImageTest, ThreeEqualChannelsAreGrayAndModalitiesConvert) {
  TempDir dir;
  const auto gray = quantised(torch::rand({1, 4, 4}));
  write_png(dir / "g3.png", gray.expand({3, -1, -1}));
  EXPECT_EQ(read_image(dir / "g3.png").size(0), 1);
  EXPECT_EQ(read_visible(dir / "g3.png").size(0), 3);
  const auto colour = quantised(torch::rand({3, 4, 4}));
  write_png(dir / "c.png", colour);
  const auto ir = read_infrared(dir / "c.png");
  ASSERT_EQ(ir.size(0), 1);
  const auto luma = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2];
  EXPECT_TRUE(torch::allclose(ir[0], luma, 0, 1e-6));
}

TEST(ImageTest, MissingAndCorruptFilesAreNamed) {
  TempDir dir;
  EXPECT_THROW_WITH(read_image(dir / "nope.png"), DataError, "nope.png: no such file");
  std::ofstream(dir / "bad.png") << "this is not a PNG";
  EXPECT_THROW_WITH(read_image(dir / "bad.png"), DataError, "bad.png: cannot decode image");
}

TEST(ImageTest, HeadersGiveFormatAndSize) {
  const cv::Mat image(5, 7, CV_8UC3, cv::Scalar(1, 2, 3));
  for (const auto& [ext, format] : {std::pair{".png", "PNG"}, {".jpg", "JPEG"}, {".bmp", "BMP"}, {".tiff", "TIFF"}}) {
    std::vector<uchar> bytes;
    ASSERT_TRUE(cv::imencode(ext, image, bytes));
    const auto header = read_image_header(std::string(bytes.begin(), bytes.end()));
    EXPECT_EQ(header.format, format);
    EXPECT_EQ(header.width, 7) << ext;
    EXPECT_EQ(header.height, 5) << ext;
  }
  std::vector<uchar> pgm;
  cv::imencode(".pgm", cv::Mat(5, 7, CV_8UC1), pgm);
  EXPECT_EQ(read_image_header(std::string(pgm.begin(), pgm.end())).format, "");
}

// A header that asks for more than kMaxImagePixels is refused before anything is allocated;
// formats other than PNG, JPEG, BMP and TIFF are not handed to OpenCV's other decoders.
TEST(ImageTest, HeadersAskingForHugeImagesAreRefused) {
  TempDir dir;
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(4, 4, CV_8UC1, cv::Scalar(7)), png);
  // IHDR (bytes 16..28 after the signature and chunk header): width, height, then its CRC.
  const uint32_t side = 1 << 14;  // 16384^2 = 2^28 pixels
  for (int k = 0; k < 4; ++k) png[16 + k] = png[20 + k] = static_cast<uchar>(side >> (24 - 8 * k));
  const auto crc = train::crc32(png.data() + 12, 17);
  for (int k = 0; k < 4; ++k) png[29 + k] = static_cast<uchar>(crc >> (24 - 8 * k));
  std::ofstream(dir / "huge.png", std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
  EXPECT_THROW_WITH(read_image(dir / "huge.png"), DataError,
                    "huge.png: cannot decode image (its PNG header declares 16384x16384 pixels");
}

TEST(ImageTest, FilesTooLargeToDecodeAreRefusedBeforeReading) {
  test::TempDir dir;
  const auto path = dir / "huge.png";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string("\x89PNG\r\n\x1a\n", 8);
  }
  std::filesystem::resize_file(path, (int64_t{1} << 31) + 16);  // sparse: no disk space used
  EXPECT_THROW_WITH(read_image(path), DataError, "huge.png: cannot decode image (the file has 2147483664 bytes");
}

TEST(ImageTest, FailedWriteKeepsExistingFileAndLeavesNoTemporary) {
  TempDir dir;
  const auto image = torch::zeros({1, 2, 2});
  write_png(dir / "keep.png", image);
  EXPECT_THROW_WITH(write_png(dir / "missing_folder/x.png", image), Error,
                    "missing_folder/x.png: cannot write: cannot create file");
  EXPECT_THROW(write_png(dir / "keep.png", torch::zeros({2, 2, 2})), c10::Error);
  EXPECT_TRUE(torch::equal(read_image(dir / "keep.png"), image));
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST(ImageTest, ReadsRealDatasetImagesWithTheirModalities) {
  TESG_REQUIRE_SHARED_DATA();
  const auto msrs_ir = read_infrared(test::shared_data("MSRS/test/ir/00537D.png"));
  EXPECT_EQ(msrs_ir.sizes(), (std::vector<int64_t>{1, 480, 640}));
  // Pixel values as stored: a plausible mean and range (catches dangling decoder buffers).
  EXPECT_GT(msrs_ir.mean().item<float>(), 0.02f);
  EXPECT_LE(msrs_ir.max().item<float>(), 1.f);
  EXPECT_GE(msrs_ir.min().item<float>(), 0.f);
  const auto msrs_vi = read_visible(test::shared_data("MSRS/test/vi/00537D.png"));
  EXPECT_EQ(msrs_vi.sizes(), (std::vector<int64_t>{3, 480, 640}));
  // LLVIP stores infrared as three equal JPEG channels: read as one.
  const auto llvip = read_image(test::shared_data("LLVIP/test/ir/190001.jpg"));
  EXPECT_EQ(llvip.sizes(), (std::vector<int64_t>{1, 1024, 1280}));
  EXPECT_GT(msrs_vi.std().item<float>(), 0.01f);
}

}  // namespace
}  // namespace tesg::io

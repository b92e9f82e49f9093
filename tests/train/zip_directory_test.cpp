#include "../../src/train/zip_directory.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

namespace tesg::train {
namespace {

std::string archive_bytes() {
  torch::serialize::OutputArchive archive;
  archive.write("weight", torch::arange(10, torch::kFloat32));
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

TEST(ZipDirectoryTest, Crc32HasTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
}

TEST(ZipDirectoryTest, ListsLibTorchRecordsWithTheirSizes) {
  const auto bytes = archive_bytes();
  const auto directory = read_zip_directory(bytes);
  ASSERT_EQ(directory.problem, "");
  bool found_tensor = false;
  for (const auto& e : directory.entries) {
    if (e.name.size() > 7 && e.name.compare(e.name.size() - 7, 7, "/data/0") == 0) {
      found_tensor = true;
      EXPECT_EQ(e.size, 40u);  // ten float32
      EXPECT_EQ(e.compressed, 40u);
    }
  }
  EXPECT_TRUE(found_tensor);
}

TEST(ZipDirectoryTest, NamesTruncationAndDataOutsideTheArchive) {
  const auto bytes = archive_bytes();
  EXPECT_NE(read_zip_directory(bytes.substr(0, bytes.size() - 30)).problem, "");
  EXPECT_NE(read_zip_directory(bytes.substr(0, bytes.size() / 2)).problem, "");
  EXPECT_NE(read_zip_directory("PK").problem, "");
  // The first directory entry's local header offset pointing past the end of the file.
  auto moved = bytes;
  const auto first = moved.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(first, std::string::npos);
  for (int k = 0; k < 4; ++k) moved[first + 42 + k] = '\x7f';
  EXPECT_NE(read_zip_directory(moved).problem.find("outside the archive"), std::string::npos)
      << read_zip_directory(moved).problem;
}

}  // namespace
}  // namespace tesg::train

// YOLO label files and class maps.
#include <gtest/gtest.h>

#include <fstream>

#include "support.h"
#include "tesg/detect/class_map.h"
#include "tesg/detect/yolo_labels.h"
#include "tesg/error.h"

namespace tesg::detect {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(YoloLabelsTest, ReadsPixelBoxesAndDropsDuplicateLines) {
  test::TempDir dir;
  // MSRS's own spacing: two spaces between values, trailing spaces, an empty line.
  write(dir / "a.txt", "0  0.5  0.5  0.25  0.5  \n\n2 0.1 0.2 0.1 0.2\n0  0.5  0.5  0.25  0.5\n");
  const auto objects = read_yolo_labels(dir / "a.txt", 640, 480);
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0].cls, 0);
  EXPECT_FLOAT_EQ(objects[0].box.x1, 240);
  EXPECT_FLOAT_EQ(objects[0].box.y1, 120);
  EXPECT_FLOAT_EQ(objects[0].box.x2, 400);
  EXPECT_FLOAT_EQ(objects[0].box.y2, 360);
  EXPECT_EQ(objects[1].cls, 2);
}

TEST(YoloLabelsTest, MalformedLinesNameFileAndLine) {
  test::TempDir dir;
  write(dir / "b.txt", "0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n");
  EXPECT_THROW_WITH(read_yolo_labels(dir / "b.txt", 10, 10), DataError, "b.txt:2: expected 5 values");
  write(dir / "c.txt", "0 0.5 x 0.2 0.2\n");
  EXPECT_THROW_WITH(read_yolo_labels(dir / "c.txt", 10, 10), DataError, "c.txt:1: 'x' is not a number");
  write(dir / "d.txt", "0 0.5 0.5 1.5 0.2\n");
  EXPECT_THROW_WITH(read_yolo_labels(dir / "d.txt", 10, 10), DataError, "d.txt:1: coordinates outside");
  write(dir / "e.txt", "1.5 0.5 0.5 0.5 0.2\n");
  EXPECT_THROW_WITH(read_yolo_labels(dir / "e.txt", 10, 10), DataError, "e.txt:1: class 1.5");
}

TEST(YoloLabelsTest, DetectionLinesRoundTripThroughTheReader) {
  test::TempDir dir;
  const Detections d{{{64, 48, 192, 240}, 0.75f, 1}};
  const auto lines = yolo_lines(d, 640, 480);
  EXPECT_EQ(lines, "1 0.2 0.3 0.2 0.4 0.75\n");
}

TEST(ClassMapTest, ByNameBySpecAndIdentity) {
  const std::vector<std::string> coco{"person", "bicycle", "car", "motorcycle"};
  const auto spec = parse_class_map("car=2,person=0,bicycle=1", coco);
  ASSERT_EQ(spec.entries.size(), 3u);
  EXPECT_EQ(spec.entries[0].name, "person");
  EXPECT_EQ(spec.label_of(2), 2);
  EXPECT_EQ(spec.label_of(3), -1);
  EXPECT_EQ(spec.detector_ids(), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_THROW_WITH(parse_class_map("truck=0", coco), Error, "class 'truck' is not one of the detector's 4");
  EXPECT_THROW_WITH(parse_class_map("person", coco), Error, "is not NAME=LABEL_ID");

  test::TempDir dir;
  write(dir / "names.txt", "0 car\n1 person\n");
  const auto file = class_map_from_file(dir / "names.txt", coco);
  EXPECT_EQ(file.label_of(2), 0);
  EXPECT_EQ(file.label_of(0), 1);
  write(dir / "bad.txt", "0 car\n1 horse\n");
  EXPECT_THROW_WITH(class_map_from_file(dir / "bad.txt", coco), Error, "bad.txt:2: class 'horse'");
  EXPECT_EQ(identity_class_map(coco).entries.size(), 4u);
}

}  // namespace
}  // namespace tesg::detect
